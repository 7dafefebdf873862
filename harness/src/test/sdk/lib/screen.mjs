// The app half shared by the Node SDK clients: what a careful chat app shows when the SDK call fails,
// and the `chaosgate run --client` screen protocol (`SHOWN: ` lines, then one `DRAFT: ` line).
// Nothing here retries: every retry is the SDK's own, so the verdict judges the SDK's policy.

const QUOTA = /insufficient_quota|credit_balance_exhausted|billing_hard_limit_reached|billing_not_active|spend_limit|usage_limit/;

export const MESSAGES = {
  server: 'The service is temporarily unavailable (server error). Your prompt is kept; please try again in a moment.',
  badGateway: 'The service is temporarily unavailable (bad gateway). Your prompt is kept; please try again in a moment.',
  busy: 'The service is temporarily unavailable (busy or overloaded). Your prompt is kept; please try again in a few minutes.',
  timeout: 'The service took too long to respond and the connection timed out. Your prompt is kept; please try again.',
  connection: 'The connection to the service was interrupted. Your prompt is kept; please try again in a moment.',
  certificate: "The secure connection to the service could not be verified: its certificate was refused. If your network inspects TLS traffic, ask your IT team. Your prompt is kept.",
  rateLimited: 'Too many requests right now. Your prompt is kept; please wait a moment and try again.',
  quota: 'Your quota is exhausted. Check your plan and billing details, or contact your administrator. Your prompt is kept.',
  tooLarge: 'This message is too long for the service. Shorten it or split it into parts; your draft is kept.',
  denied: "Access was denied by the service's firewall. Check your network or VPN, or contact support. Your prompt is kept.",
  region: 'The service is not offered in your country or region, so access was denied. Contact support if this is a mistake. Your prompt is kept.',
  auth: 'Authentication failed. Check your API key in the settings. Your prompt is kept.',
  notFound: 'The model was not found. Choose another model in the settings. Your prompt is kept.',
  invalid: "The service did not accept the request: a parameter is missing or invalid. Check the app's configuration. Your prompt is kept.",
  interrupted: 'The response was interrupted before its end. Press Regenerate to try again; your prompt is kept.',
};

/**
 * The message for an HTTP error, from its status first and its body second (a Cloudflare 1015 page is a
 * 429 titled "Access denied", so the body only refines 429s and unclassified 4xx).
 * `error` is the parsed `error` object of a JSON body, if any; `text` is the raw body or the message.
 */
export function messageForStatus(status, error, text = '') {
  const code = `${error?.code ?? ''} ${error?.type ?? ''}`;
  const message = `${error?.message ?? ''} ${text}`;
  if (status === 401) return MESSAGES.auth;
  if (status === 403) return /unsupported_country_region_territory/.test(`${code} ${message}`) ? MESSAGES.region : MESSAGES.denied;
  if (status === 413) return MESSAGES.tooLarge;
  if (status === 429) {
    if (QUOTA.test(code) || /exceeded your current quota|credit balance/i.test(message)) return MESSAGES.quota;
    return /request_too_large/.test(code) || /request too large/i.test(message) ? MESSAGES.tooLarge : MESSAGES.rateLimited;
  }
  if (status === 408 || status === 504 || status === 524) return MESSAGES.timeout;
  if (status === 503 || status === 529) return MESSAGES.busy;
  if (status === 502 || (status >= 520 && status <= 530)) return MESSAGES.badGateway;
  if (status >= 500 || status === 409) return MESSAGES.server;
  if (status === 404) return MESSAGES.notFound;
  return MESSAGES.invalid;
}

/** The `error` object of a JSON error body, or undefined for HTML, plain text or nothing. */
export function parseErrorBody(body) {
  if (typeof body !== 'string') return body?.error ?? undefined;
  try {
    return JSON.parse(body)?.error ?? undefined;
  } catch {
    return undefined;
  }
}

/** True when an error (or one of its causes) says the attempt timed out rather than failed to connect. */
export function isTimeout(err) {
  return anyCause(err, (e) => /timeout|timed? ?out/i.test(`${e.name ?? ''} ${e.constructor?.name ?? ''} ${e.message ?? ''} ${e.code ?? ''}`));
}

/** True when the error or one of its first causes passes `test`. */
function anyCause(err, test) {
  for (let e = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}

// OpenSSL's verification codes as Node reports them, and the host-name check's own.
const CERTIFICATE_CODES = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_UNTRUSTED|CERT_REJECTED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** True when an error (or one of its causes) says the service's certificate was refused. */
export function isCertificateError(err) {
  return anyCause(err, (e) => CERTIFICATE_CODES.test(e.code ?? '') || /certificate/i.test(e.message ?? ''));
}

/** The message for a failure without an HTTP status: a refused certificate, a timeout or a lost connection. */
export function connectionMessage(err) {
  if (isCertificateError(err)) return MESSAGES.certificate;
  return isTimeout(err) ? MESSAGES.timeout : MESSAGES.connection;
}

export function show(text) {
  for (const line of String(text).split(/\r?\n/)) console.log(`SHOWN: ${line}`);
}

/** The screen after a complete answer: the answer, and an empty prompt box. */
export function answered(text) {
  show(text);
  console.log('DRAFT: ');
}

/** The screen after a failure: what arrived (if anything), the message, and the prompt kept. */
export function failed(prompt, message, partial = '') {
  if (partial) show(partial);
  show(message);
  console.log(`DRAFT: ${prompt.replace(/\r?\n/g, ' ')}`);
}

export function settings() {
  const env = process.env;
  return {
    baseURL: env.CHAOSGATE_BASE_URL ?? env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY ?? 'sk-chaosgate',
    prompt: env.CHAOSGATE_PROMPT ?? '',
    stream: env.CHAOSGATE_STREAM === 'true',
    model: 'gpt-4o-mini',
  };
}
