/**
 * The deployment package of every `aws_lambda_function`: the zip the stack ships (a path relative to the
 * stack folder, as cdktf writes `TerraformAsset`s), its size, and whether its SHA-256 is the
 * `source_code_hash` Terraform will compare against.
 */
import { createHash } from 'node:crypto';
import { TerraformDocument } from './stack';

export interface FunctionPackage {
  readonly address: string;
  readonly functionName?: string;
  readonly kind: 'zip-file' | 's3' | 'image' | 'none';
  /** `filename` as written in cdk.tf.json (relative to the stack folder), or the S3 location / image. */
  readonly location?: string;
  readonly found: boolean;
  readonly sizeBytes?: number;
  /** Base64 SHA-256 of the file as found. */
  readonly actualHash?: string;
  /** `source_code_hash` from the stack (a literal or a Terraform expression). */
  readonly declaredHash?: string;
  /** true/false when both are literal hashes; undefined when one is missing or an expression. */
  readonly hashMatches?: boolean;
}

/** Reads an asset by its path relative to the stack folder; undefined when it does not exist. */
export type AssetReader = (relativePath: string) => Uint8Array | undefined;

export function functionPackages(doc: TerraformDocument, readAsset: AssetReader): FunctionPackage[] {
  const functions = doc.resource?.aws_lambda_function ?? {};
  return Object.keys(functions)
    .sort()
    .map((name) => {
      const fn = functions[name]!;
      const base = {
        address: `aws_lambda_function.${name}`,
        functionName: typeof fn.function_name === 'string' ? fn.function_name : undefined,
        declaredHash: typeof fn.source_code_hash === 'string' ? fn.source_code_hash : undefined,
      };
      if (typeof fn.image_uri === 'string') return { ...base, kind: 'image', location: fn.image_uri, found: false } as const;
      if (fn.s3_bucket !== undefined) return { ...base, kind: 's3', location: `s3://${fn.s3_bucket}/${fn.s3_key ?? ''}`, found: false } as const;
      if (typeof fn.filename !== 'string') return { ...base, kind: 'none', found: false } as const;
      const content = /\$\{/.test(fn.filename) ? undefined : readAsset(fn.filename);
      if (content === undefined) return { ...base, kind: 'zip-file', location: fn.filename, found: false } as const;
      const actualHash = createHash('sha256').update(content).digest('base64');
      const literal = base.declaredHash !== undefined && !base.declaredHash.includes('${');
      return {
        ...base,
        kind: 'zip-file',
        location: fn.filename,
        found: true,
        sizeBytes: content.length,
        actualHash,
        hashMatches: literal ? actualHash === base.declaredHash : undefined,
      } as const;
    });
}

/** 109809 -> "109,809 bytes (107.2 KiB)". */
export function formatSize(bytes: number): string {
  const grouped = bytes.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return bytes < 1024 ? `${grouped} bytes` : `${grouped} bytes (${(bytes / 1024).toFixed(1)} KiB)`;
}
