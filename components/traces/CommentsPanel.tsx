"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { CommentView } from "@/lib/scores/comments";
import { formatDateTime } from "../operator/format";
import { button, card, cardTitle, cx, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

// Operators' comments on the trace or on one message, oldest first; the author edits or deletes their own
// (POST/PATCH/DELETE /api/traces/{id}/comments; the rule lives in SQL, docs/rules.md).

export interface CommentTarget {
  id: string;
  label: string;
}

export function CommentsPanel({ traceId, comments, messages }: { traceId: string; comments: CommentView[]; messages: CommentTarget[] }) {
  const router = useRouter();
  const [content, setContent] = useState("");
  const [messageId, setMessageId] = useState("");
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  const labels = new Map(messages.map((m) => [m.id, m.label]));

  async function run(action: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setError(null);
    try {
      await action();
      after?.();
      startTransition(() => router.refresh());
    } catch (e) {
      setError((e as Error).message || "Saving failed.");
    } finally {
      setBusy(false);
    }
  }
  const base = `/api/traces/${traceId}/comments`;

  return (
    <section aria-labelledby="comments-title" data-testid="comments-panel" className={cx(card, "space-y-3 p-4")}>
      <h2 id="comments-title" className={cardTitle}>Comments ({comments.length})</h2>
      {comments.length === 0 ? <p className={cx("text-xs", muted)}>No comments yet.</p> : null}
      <ol className="space-y-2">
        {comments.map((c) => (
          <li key={c.id} data-testid="comment" data-mine={c.mine ? "" : undefined} className="rounded-lg border border-slate-200 px-3 py-2 text-sm dark:border-slate-800">
            <p className={cx("text-[11px]", muted)}>
              {c.author}{c.mine ? " (you)" : ""} · <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
              {c.updatedAt !== c.createdAt ? " · edited" : ""}
              {c.messageId ? ` · on ${labels.get(c.messageId) ?? "a message"}` : " · on the trace"}
            </p>
            {editing?.id === c.id ? (
              <form className="mt-1 space-y-1" onSubmit={(e) => { e.preventDefault(); void run(() => sendJson(`${base}/${c.id}`, "PATCH", { content: editing.text }), () => setEditing(null)); }}>
                <label className="block">
                  <span className="sr-only">Edit comment</span>
                  <textarea value={editing.text} maxLength={4000} rows={2} onChange={(e) => setEditing({ id: c.id, text: e.target.value })} data-testid="comment-edit-text" className={cx(input, "h-auto py-1.5")} />
                </label>
                <button type="submit" disabled={busy || !editing.text.trim()} className={cx(primaryButton, "h-7 text-xs")} data-testid="comment-edit-save">Save</button>
              </form>
            ) : (
              <p data-testid="comment-text" className="mt-0.5 whitespace-pre-wrap break-words">{c.content}</p>
            )}
            {c.mine && editing?.id !== c.id && (
              <div className="mt-1 flex gap-2">
                <button type="button" onClick={() => setEditing({ id: c.id, text: c.content })} className={cx(button, "h-7 text-xs")} data-testid="comment-edit">Edit</button>
                <button type="button" disabled={busy} onClick={() => run(() => sendJson(`${base}/${c.id}`, "DELETE"))} className={cx(button, "h-7 text-xs")} data-testid="comment-delete">Delete</button>
              </div>
            )}
          </li>
        ))}
      </ol>
      <form className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800" onSubmit={(e) => {
        e.preventDefault();
        void run(() => sendJson(base, "POST", { content, ...(messageId ? { messageId } : {}) }), () => setContent(""));
      }}>
        <label className="block">
          <span className={cx("text-xs", muted)}>On</span>
          <select value={messageId} onChange={(e) => setMessageId(e.target.value)} data-testid="comment-target" className={cx(input, "mt-1")}>
            <option value="">the whole trace</option>
            {messages.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </label>
        <label className="block">
          <span className={cx("text-xs", muted)}>Comment</span>
          <textarea value={content} maxLength={4000} rows={2} onChange={(e) => setContent(e.target.value)} data-testid="comment-text-input" className={cx(input, "mt-1 h-auto py-1.5")} />
        </label>
        <div className="flex items-center gap-3">
          <button type="submit" disabled={busy || !content.trim()} className={primaryButton} data-testid="comment-add">Add comment</button>
          {error && <p role="alert" className="text-xs text-rose-700 dark:text-rose-300">{error}</p>}
        </div>
      </form>
    </section>
  );
}
