import type { ServerResponse } from 'node:http';
import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'json' | 'xml';

const builder = new XMLBuilder({ format: true, suppressEmptyNode: true });

/**
 * The GeoReport v2 wire shapes: JSON is the bare value; XML wraps a list in its plural element with one
 * child per item (<service_requests><request>…), and leaves out null fields.
 */
export function send(res: ServerResponse, format: Format, status: number, body: unknown, xml: { root: string; item?: string }): void {
  res.statusCode = status;
  if (format === 'json') {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
    return;
  }
  res.setHeader('content-type', 'text/xml; charset=utf-8');
  const value = xml.item ? { [xml.item]: (body as unknown[]).map(dropNulls) } : dropNulls(body);
  res.end(`<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [xml.root]: value })}`);
}

/** An error list, as the spec's error format: [{ code, description }]. */
export function sendErrors(res: ServerResponse, format: Format, status: number, descriptions: string[]): void {
  send(
    res,
    format,
    status,
    descriptions.map((description) => ({ code: status, description })),
    { root: 'errors', item: 'error' },
  );
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, dropNulls(v)]),
    );
  return value;
}
