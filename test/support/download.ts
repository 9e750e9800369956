import { request, type IncomingHttpHeaders } from 'node:http';

export interface Download {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GETs a path of a browser-mode server on 127.0.0.1 with the server's launch token (another token, or none: null). */
export function download(
  server: { port: number; token: string },
  path: string,
  token: string | null = server.token,
): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path,
      headers: token === null ? {} : { Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
