/*
 * The contact form, enhanced: validates as the server does, posts JSON to the API named by
 * /config.json (a cross-origin request with a preflight), shows the server's per-field errors next
 * to the fields and announces the outcome. Without JavaScript the form still posts to its action and
 * the API answers 303 to the thank-you page.
 *
 * The rules below mirror handlers/contact/fields.ts and validate.ts (the site is static, with no
 * bundler, so it cannot import them); __tests__/preview-form-rules.test.ts fails when they drift.
 */
var ContactFormRules = (function () {
  'use strict';

  var FIELDS = {
    first_name: { required: true, maxLength: 100 },
    last_name: { required: true, maxLength: 100 },
    email: { required: true, maxLength: 254, syntax: 'email' },
    job_title: { required: false, maxLength: 100 },
    phone_number: { required: false, maxLength: 32, syntax: 'phone' },
    company: { required: false, maxLength: 200 },
    message: { required: false, maxLength: 5000, multiline: true },
  };
  var HONEYPOT_FIELD = '_gotcha';

  var CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
  var CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
  var LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  var LOCAL_PART = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
  var DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
  var TOP_LEVEL_DOMAIN = /^(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/iu;
  var PHONE = /^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i;

  function codePointLength(value) {
    return Array.from(value).length;
  }

  function isEmailAddress(value) {
    var at = value.lastIndexOf('@');
    if (at <= 0) return false;
    var local = value.slice(0, at);
    var domain = value.slice(at + 1);
    if (codePointLength(local) > 64 || domain.length > 253 || !LOCAL_PART.test(local)) return false;
    var labels = domain.split('.');
    return (
      labels.length >= 2 &&
      labels.every(function (label) { return DOMAIN_LABEL.test(label); }) &&
      TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])
    );
  }

  function isPhoneNumber(value) {
    var digits = value.replace(/\D/g, '').length;
    return PHONE.test(value) && digits >= 3 && digits <= 20;
  }

  /** One field's problem as { code, message }, or null. Same codes and messages as the server. */
  function checkField(rule, raw) {
    var value = (raw == null ? '' : String(raw)).trim();
    if (value === '') return rule.required ? { code: 'required', message: 'Required.' } : null;
    var control = rule.multiline ? CONTROL_CHARACTERS_EXCEPT_LINE_BREAKS : CONTROL_CHARACTERS;
    if (control.test(value) || LONE_SURROGATE.test(value)) {
      return { code: 'control_characters', message: 'Contains control or invalid characters.' };
    }
    if (codePointLength(value) > rule.maxLength) {
      return { code: 'too_long', message: 'At most ' + rule.maxLength + ' characters.' };
    }
    if (rule.syntax === 'email' && !isEmailAddress(value)) return { code: 'invalid_email', message: 'Not a valid email address.' };
    if (rule.syntax === 'phone' && !isPhoneNumber(value)) return { code: 'invalid_phone', message: 'Not a valid phone number.' };
    return null;
  }

  /** Field name -> value  =>  [{ field, code, message }] in the form's field order. */
  function validate(values) {
    var errors = [];
    Object.keys(FIELDS).forEach(function (name) {
      var problem = checkField(FIELDS[name], values[name]);
      if (problem) errors.push({ field: name, code: problem.code, message: problem.message });
    });
    return errors;
  }

  return { FIELDS: FIELDS, HONEYPOT_FIELD: HONEYPOT_FIELD, validate: validate, isEmailAddress: isEmailAddress, isPhoneNumber: isPhoneNumber };
})();

(function () {
  'use strict';
  if (typeof document === 'undefined') return; // loaded by the rules test, outside a browser

  var rules = ContactFormRules;
  var form = document.getElementById('contact-form');
  if (!form) return;
  var button = form.querySelector('button[type="submit"]');
  var statusRegion = document.getElementById('form-status');
  var alertRegion = document.getElementById('form-alert');
  var buttonText = button.textContent;
  var idempotencyKey = null;
  var endpoint = null;

  // The page validates and reports errors itself; without JavaScript the browser's own checks apply.
  form.noValidate = true;

  var configLoaded = fetch('/config.json', { headers: { Accept: 'application/json' }, cache: 'no-cache' })
    .then(function (response) {
      if (!response.ok) throw new Error('config.json: HTTP ' + response.status);
      return response.json();
    })
    .then(function (config) {
      if (typeof config.contactEndpoint !== 'string' || config.contactEndpoint === '') throw new Error('config.json has no contactEndpoint');
      endpoint = config.contactEndpoint;
      form.action = endpoint; // also right for a submission that bypasses this script
      return endpoint;
    });
  configLoaded.catch(function () { /* reported on submit */ });

  function input(name) {
    return form.elements.namedItem(name);
  }

  function setFieldError(name, message) {
    var field = input(name);
    var error = document.getElementById(name + '-error');
    if (!field || !error) return false;
    error.textContent = message || '';
    var describedBy = (field.getAttribute('aria-describedby') || '').split(/\s+/).filter(function (id) {
      return id && id !== error.id;
    });
    if (message) {
      field.setAttribute('aria-invalid', 'true');
      describedBy.unshift(error.id);
    } else {
      field.removeAttribute('aria-invalid');
    }
    if (describedBy.length > 0) field.setAttribute('aria-describedby', describedBy.join(' '));
    else field.removeAttribute('aria-describedby');
    return true;
  }

  function clearErrors() {
    Object.keys(rules.FIELDS).forEach(function (name) { setFieldError(name, ''); });
  }

  function showErrors(errors) {
    clearErrors();
    var first = null;
    errors.forEach(function (error) {
      if (setFieldError(error.field, error.message) && !first) first = input(error.field);
    });
    if (first) first.focus();
    return first !== null;
  }

  function announce(kind, message) {
    // Success goes to the polite status region, problems to the alert region; never both at once.
    statusRegion.textContent = kind === 'ok' ? message : '';
    statusRegion.className = kind === 'ok' ? 'status ok' : 'status';
    alertRegion.textContent = kind === 'error' ? message : '';
  }

  function values() {
    var result = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string' && !(name in result)) result[name] = value;
    });
    return result;
  }

  function setSending(sending) {
    button.disabled = sending;
    button.textContent = sending ? 'Sending\u2026' : buttonText;
    form.setAttribute('aria-busy', sending ? 'true' : 'false');
  }

  function failureMessage(status, body) {
    if (status === 429) return 'Too many messages are being sent right now. Please wait a minute and try again.';
    if (status === 503) return 'The contact service is temporarily unavailable. Please try again in a few moments.';
    if (status === 413) return 'Your message is too long to send. Please shorten it and try again.';
    if (status >= 500) return 'Something went wrong on our side and your message was not sent. Please try again later.';
    return 'Your message could not be sent' + (body && body.message ? ': ' + body.message : '.') + ' Please try again.';
  }

  // A new submission gets a new key; a retry of the same one (after a failure) reuses it, so the
  // server stores it once even when the first attempt did arrive.
  form.addEventListener('input', function () { idempotencyKey = null; });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (button.disabled) return;
    var data = values();
    var errors = rules.validate(data);
    if (errors.length > 0) {
      showErrors(errors);
      announce('error', errors.length === 1 ? 'Please correct the highlighted field.' : 'Please correct the ' + errors.length + ' highlighted fields.');
      return;
    }
    clearErrors();
    announce('none', '');
    idempotencyKey = idempotencyKey || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    setSending(true);
    statusRegion.textContent = 'Sending your message\u2026';

    configLoaded
      .then(function (url) {
        return fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': idempotencyKey },
          body: JSON.stringify(data),
          credentials: 'omit',
          // The site's Referrer-Policy (strict-origin-when-cross-origin) would tell the API only the site's
          // origin; for this one request the page's URL goes along, so the stored message says which page sent it.
          referrerPolicy: 'no-referrer-when-downgrade',
        });
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () { return null; })
          .then(function (body) { return { status: response.status, ok: response.ok, body: body }; });
      })
      .then(
        function (result) {
          if (result.ok) {
            form.reset();
            idempotencyKey = null;
            announce('ok', 'Thank you, your message has been sent. We will get back to you within two working days.');
            return;
          }
          if (result.status === 400 && result.body && Array.isArray(result.body.fields) && showErrors(result.body.fields)) {
            announce('error', 'Please correct the highlighted fields.');
            return;
          }
          announce('error', failureMessage(result.status, result.body));
        },
        function () {
          // fetch rejects on network errors and on CORS refusals alike; the browser hides which.
          announce('error', 'Your message could not be sent: the contact service could not be reached. Please check your connection and try again.');
        },
      )
      .then(function () { setSending(false); });
  });
})();
