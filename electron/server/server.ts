import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve, isAbsolute, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createDispatcher } from '../core/dispatch.ts';
import type { Dispatch } from '../core/dispatch.ts';
import type { Core, Logger } from '../core/types.ts';
import { API_PREFIX, EVENT_NAMES, EVENTS_PATH, EXPORTS_PATH, UPLOADS_PATH } from '../shared/contract.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.ts';
import { StackmeterError, toErrorInfo, type ErrorInfo, type Result } from '../shared/result.ts';
import { hasBearerToken, isLoopbackHost, newLaunchToken } from './request-guards.ts';
import { contentTypeFor, resolveStaticPath } from './static-files.ts';
import { createUploadStore } from './uploads.ts';

export interface ServerOptions {
  core: Core;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** 0 or absent: an ephemeral port chosen by the system. */
  port?: number;
  /** A fixed launch token (at least 16 URL-safe characters); a random one per launch when absent. */
  token?: string;
  log?: Logger;
  /** The folder the core writes usage exports to; `GET /api/exports/<fileName>` downloads from it. */
  exportDir?: string;
}

export interface RunningServer {
  /** The launch URL to open: `http://127.0.0.1:<port>/#token=<token>`. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Keeps idle event streams alive through proxies and lets the client notice a dead server. */
const HEARTBEAT_MS = 15_000;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Browser mode: serves the built console and the contract (`POST /api/<method>`, `GET /api/events`) on 127.0.0.1 only,
 * behind a per-launch bearer token. Any local process can reach a loopback port, and any web page can make the browser
 * send requests to it, so every /api call must prove it was opened from the printed launch URL, and the Host header must
 * name our loopback port (a DNS-rebinding page sends its own host name).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (options.token !== undefined && !/^[A-Za-z0-9._~-]{16,}$/.test(options.token)) {
    throw new Error('The launch token must be at least 16 URL-safe characters (letters, digits, . _ ~ -).');
  }
  const token = options.token ?? newLaunchToken();
  const { core, log } = options;
  const staticDir = resolve(options.staticDir);
  const dispatch = createDispatcher(core, log);
  const eventStreams = new Set<ServerResponse>();
  const uploads = await createUploadStore((path, name) => core.acceptFile(path, name));
  let port = 0;

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      log?.error('Browser-mode request failed', {
        path: req.url?.split('?')[0],
        stack: err instanceof Error ? err.stack : String(err),
      });
      if (!res.headersSent) sendJson(res, 500, failure('INTERNAL', 'The server failed to answer; see its log.'));
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const pathname = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    const isApi = pathname === API_PREFIX.slice(0, -1) || pathname.startsWith(API_PREFIX);
    if (isApi) res.setHeader('Cache-Control', 'no-store');

    if (!isLoopbackHost(req.headers.host, port)) {
      const message = `Requests must be addressed to ${HOST}:${port}; open http://${HOST}:${port}/ instead.`;
      if (isApi) sendJson(res, 403, failure('FORBIDDEN', message));
      else sendText(res, 403, message);
      return;
    }
    if (isApi) await handleApi(req, res, pathname);
    else await serveStatic(req, res, pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (!hasBearerToken(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendJson(res, 401, failure('FORBIDDEN',
        'This console needs its launch token: open the URL that was printed when Stackmeter started '
        + '(it ends with #token=...).'));
      return;
    }
    if (pathname === EVENTS_PATH) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      openEventStream(res);
      return;
    }
    if (pathname.startsWith(EXPORTS_PATH)) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      await sendExport(res, options.exportDir, pathname.slice(EXPORTS_PATH.length));
      return;
    }
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    if (pathname === UPLOADS_PATH) {
      const name = new URL(req.url ?? '/', `http://${HOST}`).searchParams.get('name');
      try {
        sendJson(res, 200, { ok: true, value: await uploads.receive(req, name) });
      } catch (err) {
        res.setHeader('Connection', 'close');
        sendJson(res, err instanceof StackmeterError && err.code === 'INVALID_ARGUMENT' ? 413 : 400,
          { ok: false, error: toErrorInfo(err) });
      }
      return;
    }
    await answerCall(req, res, pathname.slice(API_PREFIX.length), dispatch);
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // A first comment flushes the headers, so the client knows the stream is open before any event happens.
    res.write(': connected\n\n');
    const unsubscribes = EVENT_NAMES.map((name) =>
      core.on(name, (payload) => {
        res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
        // Node corks a chunked response until the next tick; a bundle export or import emits its progress from one
        // synchronous call, so without this nothing would reach the page before it returns.
        res.socket?.uncork();
      }));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    eventStreams.add(res);
    const stop = (): void => {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      eventStreams.delete(res);
    };
    // 'close' on the response fires when the client goes away (or close() ends the stream).
    res.on('close', stop);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    const file = await findStaticFile(staticDir, pathname);
    if (file === null) {
      if (pathname === '/') sendNotBuiltPage(res);
      else sendText(res, 404, 'Not found.');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentTypeFor(file.path),
      'Content-Length': file.size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(file.path), res);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        for (const stream of eventStreams) stream.end();
        server.close((err) => (err ? rejectClose(err) : uploads.close().then(resolveClose, rejectClose)));
        server.closeAllConnections();
      }),
  };
}

async function answerCall(req: IncomingMessage, res: ServerResponse, encodedMethod: string, dispatch: Dispatch) {
  let method: string;
  try {
    method = decodeURIComponent(encodedMethod);
  } catch {
    sendJson(res, 400, failure('INVALID_ARGUMENT', 'The method name in the URL is not valid percent-encoding.'));
    return;
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === null) {
    res.setHeader('Connection', 'close');
    sendJson(res, 413, failure('INVALID_ARGUMENT', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`));
    return;
  }
  const args = parseArgs(body);
  if (typeof args === 'string') {
    sendJson(res, 400, failure('INVALID_ARGUMENT', args));
    return;
  }
  sendJson(res, 200, await dispatch(method, args));
}

/** The only names the core gives exports; nothing else (no other file, no path) can be asked for. */
const EXPORT_FILE_NAME = new RegExp('^stackmeter-(?:usage-[0-9-]+|chargeback-[0-9-]+|adjustments-[0-9-]+'
  + '|audit-trail-[0-9-]+'
  + '|capacity-[a-z0-9-]+'
  + '|rate-card-[a-z0-9-]+'
  + '|statement-[A-Za-z0-9-]+(?:\\.focus)?)\\.(csv|xlsx|pdf|json)$'
  + '|^stackmeter-bundle-[0-9-]+\\.(smb)$');
const EXPORT_CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
  smb: 'application/octet-stream',
};

/** Sends one export file as a download, or 404 when the name is not an export's or no such file exists. */
async function sendExport(res: ServerResponse, exportDir: string | undefined, fileName: string): Promise<void> {
  const match = EXPORT_FILE_NAME.exec(fileName);
  const extension = match?.[1] ?? match?.[2];
  const path = exportDir === undefined || extension === undefined ? null : join(exportDir, fileName);
  const size = path === null ? null : await stat(path).then((info) => (info.isFile() ? info.size : null), () => null);
  if (path === null || extension === undefined || size === null) {
    sendJson(res, 404, failure('NOT_FOUND', 'There is no such export; export it again.'));
    return;
  }
  res.writeHead(200, {
    'Content-Type': EXPORT_CONTENT_TYPES[extension] ?? 'application/octet-stream',
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="${fileName}"`,
  });
  await pipeline(createReadStream(path), res);
}

/** The call's arguments from a `{"args": [...]}` body, or a sentence saying why the body is unusable. */
function parseArgs(body: string): unknown[] | string {
  let parsed: unknown;
  try {
    parsed = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return 'The request body is not JSON; send {"args": [...]}.';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'The request body must be a JSON object such as {"args": [...]}.';
  }
  const args: unknown = (parsed as { args?: unknown }).args ?? [];
  if (!Array.isArray(args)) return 'The request body\'s "args" must be an array.';
  // Arguments travel as given: null is a value some methods take (rates:saveDraft's version), and the console leaves
  // omitted trailing arguments out rather than sending null (JSON has no undefined).
  return args;
}

/** The whole body as UTF-8, or null when it exceeds `limit` bytes (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolveBody(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rejectBody);
  });
}

/** The file to serve for `pathname`, after following symbolic links and checking the target is still inside `root`. */
async function findStaticFile(root: string, pathname: string): Promise<{ path: string; size: number } | null> {
  const candidate = resolveStaticPath(root, pathname);
  if (candidate === null) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(candidate)]);
    const inside = relative(realRoot, realFile);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
    const info = await stat(realFile);
    return info.isFile() ? { path: realFile, size: info.size } : null;
  } catch {
    return null;
  }
}

function sendNotBuiltPage(res: ServerResponse): void {
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stackmeter</title></head><body>'
    + '<h1>Stackmeter&rsquo;s console is not built yet</h1>'
    + '<p>Run <code>npm run build:renderer</code> in the Stackmeter folder, then reload this page.</p></body></html>';
  res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendJson(res, 405, failure('INVALID_ARGUMENT', `This address only answers ${allow}.`));
}

function failure(code: ErrorInfo['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
