/**
 * The README's prop and field tables, generated from the TSDoc comments (the second half of `npm run docs`,
 * after typedoc has written docs/api), so that the comments are the one source of both.
 *
 * A table sits between two markers in README.md, named by what it lists and the exported name:
 *
 *     <!-- props:StaticSiteProps:start -->   (an interface: prop, type, default, description)
 *     <!-- props:StaticSiteProps:end -->
 *     <!-- fields:StaticSite:start -->       (a class's public fields: field, resource, description)
 *     <!-- fields:StaticSite:end -->
 *
 * The declarations are read through the TypeScript compiler by the names `constructs/index.ts` exports, so
 * an interface can move to another file. The default column is the `@default` tag ("required" for a prop
 * that is not optional), the description the first paragraph of the summary (the name links to the whole
 * entry in docs/api), the resource column the Terraform type of the field's provider class.
 * `__tests__/integration/docs.test.ts` fails when a table is not what this makes now.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const PROJECT_DIR = resolve(__dirname, '..');
const ENTRY_POINT = 'constructs/index.ts';
const MARKER = /<!-- (props|fields):([A-Za-z0-9_$]+):start -->\n([\s\S]*?)<!-- \1:\2:end -->/g;
const ANY_MARKER = /<!-- (?:props|fields):[A-Za-z0-9_$]+:(?:start|end) -->/g;

export interface TableOptions {
  /** The project (where tsconfig.build.json and constructs/index.ts are). */
  readonly projectDir?: string;
  /** The generated API reference whose headings the names link to. */
  readonly docsDir?: string;
  /** The path of docsDir as the README links it. */
  readonly docsLink?: string;
}

/** The tables between the markers of `readme`, each as the script makes it now, by `kind:Name`. */
export function readmeTables(readme: string, options: TableOptions = {}): Map<string, string> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const docs = new ApiDocsAnchors(options.docsDir ?? join(projectDir, 'docs', 'api'), options.docsLink ?? 'docs/api');
  const api = new ExportedApi(projectDir);
  const tables = new Map<string, string>();
  for (const { kind, name } of markerBlocks(readme)) {
    tables.set(`${kind}:${name}`, kind === 'props' ? api.propsTable(name, docs) : api.fieldsTable(name, docs));
  }
  return tables;
}

/** The marker pairs of `readme` in order, with the text between them; unpaired markers throw. */
export function markerBlocks(readme: string): { kind: string; name: string; content: string }[] {
  const blocks = [...readme.matchAll(MARKER)].map((match) => ({ kind: match[1], name: match[2], content: match[3] }));
  const markers = readme.match(ANY_MARKER) ?? [];
  if (markers.length !== 2 * blocks.length) {
    throw new Error(
      `README.md: ${markers.length} table markers but ${blocks.length} start/end pairs; every <!-- kind:Name:start --> needs its <!-- kind:Name:end -->`,
    );
  }
  return blocks;
}

/** `readme` with the text between each marker pair replaced by its table. */
export function fillReadme(readme: string, tables: Map<string, string>): string {
  return readme.replace(MARKER, (_whole, kind: string, name: string) => {
    const table = tables.get(`${kind}:${name}`);
    if (table === undefined) throw new Error(`no table for ${kind}:${name}`);
    return `<!-- ${kind}:${name}:start -->\n${table}<!-- ${kind}:${name}:end -->`;
  });
}

/** The exported declarations of constructs/index.ts, through the type checker. */
class ExportedApi {
  private readonly checker: ts.TypeChecker;
  private readonly exports = new Map<string, ts.Symbol>();

  constructor(projectDir: string) {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(projectDir, 'tsconfig.build.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    );
    if (config === undefined) throw new Error('tsconfig.build.json: unreadable');
    const entry = join(projectDir, ENTRY_POINT);
    const program = ts.createProgram([entry], { ...config.options, noEmit: true });
    this.checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && this.checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${ENTRY_POINT}: not a module`);
    for (const symbol of this.checker.getExportsOfModule(moduleSymbol)) {
      this.exports.set(symbol.name, symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol);
    }
  }

  propsTable(name: string, docs: ApiDocsAnchors): string {
    const rows = this.members(name, ts.SymbolFlags.Interface).map((member) => {
      const declaration = member.valueDeclaration ?? member.declarations![0];
      const optional = (member.flags & ts.SymbolFlags.Optional) !== 0;
      const defaultTag = member.getJsDocTags(this.checker).find((tag) => tag.name === 'default');
      const defaultText = defaultTag ? formatDefault(oneLine(ts.displayPartsToString(defaultTag.text))) : optional ? '' : 'required';
      return [this.nameCell(name, member.name, docs), this.typeCell(declaration, docs), defaultText, this.summary(member, docs.member(name, member.name))];
    });
    return table(['prop', 'type', 'default', 'description'], rows);
  }

  fieldsTable(name: string, docs: ApiDocsAnchors): string {
    const rows = this.members(name, ts.SymbolFlags.Class).map((member) => {
      const declaration = member.valueDeclaration ?? member.declarations![0];
      return [this.nameCell(name, member.name, docs), this.resourceCell(declaration, docs), this.summary(member, docs.member(name, member.name))];
    });
    return table(['field', 'resource', 'description'], rows);
  }

  /** The public, documented properties of an exported interface or class, in declaration order. */
  private members(name: string, kind: ts.SymbolFlags): ts.Symbol[] {
    const symbol = this.exports.get(name);
    if (symbol === undefined || (symbol.flags & kind) === 0) {
      throw new Error(`${ENTRY_POINT} exports no ${kind === ts.SymbolFlags.Class ? 'class' : 'interface'} ${name}`);
    }
    return this.checker.getPropertiesOfType(this.checker.getDeclaredTypeOfSymbol(symbol)).filter((member) => {
      const declaration = member.valueDeclaration ?? member.declarations?.[0];
      if (declaration === undefined || declaration.getSourceFile().fileName.includes('/node_modules/')) return false;
      if (!ts.isPropertyDeclaration(declaration) && !ts.isPropertySignature(declaration) && !ts.isParameter(declaration)) return false;
      if (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
      if (declaration.name !== undefined && ts.isPrivateIdentifier(declaration.name)) return false;
      return !member.getJsDocTags(this.checker).some((tag) => tag.name === 'internal');
    });
  }

  private nameCell(owner: string, member: string, docs: ApiDocsAnchors): string {
    return link(code(member), docs.member(owner, member));
  }

  /** The type as declared; a named type of the API links to its entry. */
  private typeCell(declaration: ts.Declaration, docs: ApiDocsAnchors): string {
    const node = (declaration as ts.PropertySignature).type;
    const text = node ? oneLine(node.getText()) : this.checker.typeToString(this.checker.getTypeAtLocation(declaration));
    const named = /^([A-Za-z_$][\w$]*)(\[\])?$/.exec(text);
    return link(code(text), named && this.exports.has(named[1]) ? docs.declaration(named[1]) : undefined);
  }

  /** The Terraform type of the field's class (`aws_s3_bucket`, `data.aws_route53_zone`, `provider.aws`), else its type. */
  private resourceCell(declaration: ts.Declaration, docs: ApiDocsAnchors): string {
    let type = this.checker.getNonNullableType(this.checker.getTypeAtLocation(declaration));
    let suffix = '';
    const recordValue = type.aliasSymbol?.name === 'Record' ? type.aliasTypeArguments?.[1] : undefined;
    if (recordValue !== undefined) {
      type = recordValue;
      suffix = ' per key';
    } else if (this.checker.isArrayType(type)) {
      type = this.checker.getTypeArguments(type as ts.TypeReference)[0];
      suffix = '[]';
    }
    const terraformType = this.terraformType(type, declaration);
    if (terraformType !== undefined) return `${code(terraformType)}${suffix}`;
    return this.typeCell(declaration, docs);
  }

  private terraformType(type: ts.Type, at: ts.Node): string | undefined {
    const symbol = type.getSymbol();
    if (symbol === undefined || (symbol.flags & ts.SymbolFlags.Class) === 0) return undefined;
    const staticSide = this.checker.getTypeOfSymbolAtLocation(symbol, at);
    const tfResourceType = staticSide.getProperty('tfResourceType');
    if (tfResourceType === undefined) return undefined;
    const literal = this.checker.getTypeOfSymbolAtLocation(tfResourceType, at);
    if (!literal.isStringLiteral()) return undefined;
    const bases = this.baseClassNames(type);
    if (bases.includes('TerraformDataSource')) return `data.${literal.value}`;
    if (bases.includes('TerraformProvider')) return `provider.${literal.value}`;
    return literal.value;
  }

  private baseClassNames(type: ts.Type): string[] {
    const names: string[] = [];
    for (let bases = type.isClassOrInterface() ? this.checker.getBaseTypes(type) : []; bases.length > 0;) {
      const base = bases[0];
      names.push(base.getSymbol()?.name ?? '');
      bases = base.isClassOrInterface() ? this.checker.getBaseTypes(base) : [];
    }
    return names;
  }

  /** The summary's first paragraph on one line, with a link to the whole text when there is more. */
  private summary(member: ts.Symbol, entry: string | undefined): string {
    const text = member
      .getDocumentationComment(this.checker)
      .map((part) => {
        if (part.kind === 'linkName') return code(part.text);
        if (part.kind === 'link' || part.kind === 'linkText') return part.text === '{@link ' || part.text === '}' ? '' : part.text;
        return part.text;
      })
      .join('');
    const paragraphs = text.trim().split(/\n\s*\n/);
    return oneLine(paragraphs[0] ?? '') + (paragraphs.length > 1 ? ` ${link('More…', entry)}` : '');
  }
}

/**
 * The headings of the markdown typedoc wrote, with the anchors GitHub gives them (lowercased, punctuation
 * dropped, spaces as hyphens, `-1`, `-2` for repeats within a file).
 */
class ApiDocsAnchors {
  private readonly headings: { file: string; level: number; text: string; anchor: string }[] = [];

  constructor(docsDir: string, docsLink: string) {
    for (const path of markdownFiles(docsDir)) {
      const file = `${docsLink}/${relative(docsDir, path).split('\\').join('/')}`;
      const seen = new Map<string, number>();
      let fenced = false;
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (/^(```|~~~)/.test(line)) fenced = !fenced;
        const heading = fenced ? null : /^(#{1,6}) +(.*?) *#*$/.exec(line);
        if (heading === null) continue;
        const text = heading[2].replace(/\\(.)/g, '$1').replace(/[`*]/g, '');
        const slug = text
          .toLowerCase()
          .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
          .replace(/ /g, '-');
        const count = seen.get(slug) ?? 0;
        seen.set(slug, count + 1);
        this.headings.push({ file, level: heading[1].length, text, anchor: count === 0 ? slug : `${slug}-${count}` });
      }
    }
  }

  /** The link to an exported declaration's entry. */
  declaration(name: string): string | undefined {
    const heading = this.headings.find((candidate) => candidate.text === name);
    return heading && `${heading.file}#${heading.anchor}`;
  }

  /** The link to a member's entry under its declaration's, else to the declaration's. */
  member(owner: string, name: string): string | undefined {
    const start = this.headings.findIndex((candidate) => candidate.text === owner);
    if (start < 0) return undefined;
    const { file, level } = this.headings[start];
    for (const heading of this.headings.slice(start + 1)) {
      if (heading.file !== file || heading.level <= level) break;
      if (heading.text.replace(/\?$/, '') === name) return `${file}#${heading.anchor}`;
    }
    return this.declaration(owner);
  }
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []))
    .sort();
}

const GENERATED_NOTE = '<!-- Generated from the TSDoc by `npm run docs` (scripts/docs.ts): edit the comments, not this table. -->\n';

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |\n`;
  return GENERATED_NOTE + line(header) + `|${header.map(() => '---').join('|')}|\n` + rows.map(line).join('');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function link(text: string, target: string | undefined): string {
  return target === undefined ? text : `[${text}](${target})`;
}

/** A default that starts with a literal (`true`, `10`, `"prod"`, `[]`) gets it as code. */
function formatDefault(text: string): string {
  const literal = /^("[^"]*"|'[^']*'|\[[^\]]*\]|\{[^}]*\}|true|false|-?\d+(?:\.\d+)?)(?=$|[\s,;(])(.*)$/.exec(text);
  return literal ? `${code(literal[1])}${literal[2]}` : text;
}

if (require.main === module) {
  const readmePath = join(PROJECT_DIR, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const filled = fillReadme(readme, readmeTables(readme));
  if (filled !== readme) writeFileSync(readmePath, filled);
  console.log(`README.md: ${markerBlocks(filled).length} tables from the TSDoc${filled === readme ? ', unchanged' : ' written'}`);
}
