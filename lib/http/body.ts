import type { z } from "zod";
import { AppError, type ErrorSurface } from "../errors";

// Reads a JSON body under a size limit and validates it: 415, 413, 400 — never 500.

export async function readJson<S extends z.ZodType>(request: Request, schema: S, surface: ErrorSurface, maxBytes = 32 * 1024): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new AppError(`unsupported_media_type:${surface}`, "Send the body as application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError(`payload_too_large:${surface}`, `The body must be at most ${maxBytes} bytes.`);
  const text = await readLimited(request, maxBytes, surface);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The body is not valid JSON.");
  }
  return parseWith(schema, value, surface);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, surface: ErrorSurface): z.infer<S> {
  if (hasUnstorableText(value)) {
    throw new AppError(`bad_request:${surface}`, "Text must be valid Unicode without NUL (\\u0000) characters.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError(`bad_request:${surface}`, `${where}${issue?.message ?? "invalid input"}`);
  }
  return parsed.data;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Postgres text cannot hold U+0000 (the insert fails), and a lone surrogate would be
 * stored silently changed to U+FFFD: any such string, key or value, is bad input.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function hasUnstorableText(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (value.includes("\u0000") || loneSurrogate.test(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) pending.push(key, item);
    }
  }
  return false;
}

async function readLimited(request: Request, maxBytes: number, surface: ErrorSurface): Promise<string> {
  const bytes = await readBytes(request, maxBytes, surface);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The body is not valid UTF-8.");
  }
}

/** The raw body under a size limit (a signed webhook checks its signature over these bytes). */
export async function readBytes(request: Request, maxBytes: number, surface: ErrorSurface): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError(`payload_too_large:${surface}`, `The body must be at most ${maxBytes} bytes.`);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new AppError(`payload_too_large:${surface}`, `The body must be at most ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A text body (a JSONL import) under a size limit: 413 past it. */
export function readText(request: Request, maxBytes: number, surface: ErrorSurface): Promise<string> {
  return readLimited(request, maxBytes, surface);
}
