import { Fragment } from "react";
import { stepTurns, type Step } from "@/lib/traces/steps";
import { AddToDataset } from "../datasets/AddToDataset";
import { card, cardTitle, cx, muted } from "../operator/ui";
import { MessageCard, type DetailMessage } from "./MessageCard";
import { StepTimeline } from "./StepTimeline";

/** The session's messages in stored order; under each visitor message, the steps of its turn. */
export function Conversation({
  messages, steps = [], removedAt = null, dataset,
}: {
  messages: DetailMessage[]; steps?: Step[]; /** when retention removed messages or steps (RETENTION_DAYS) */ removedAt?: string | null;
  /** "Add to dataset" under each visitor message: the trace and the datasets to choose from */
  dataset?: { traceId: string; names: string[] };
}) {
  const turns = stepTurns(steps);
  const known = new Set(messages.map((m) => m.id));
  const turnOf = new Map(turns.map((t) => [t.messageId, t]));
  const orphans = turns.filter((t) => !t.messageId || !known.has(t.messageId));
  return (
    <section aria-labelledby="conversation-title" data-testid="conversation" className={cx(card, "p-4")}>
      <h2 id="conversation-title" className={cardTitle}>
        Conversation <span className={cx("font-normal", muted)}>({messages.length} messages, {steps.length} steps)</span>
      </h2>
      {removedAt && (
        <p data-testid="conversation-removed" className={cx("mt-3 text-sm", muted)}>
          Conversation removed by retention on {new Date(removedAt).toISOString().slice(0, 10)}
          {messages.length > 0 ? " (its older messages and steps)" : ""}; the trace keeps its figures, feedback and tag.
        </p>
      )}
      {messages.length === 0 && steps.length === 0 ? (
        removedAt ? null :
        <p data-testid="conversation-empty" className={cx("mt-3 text-sm", muted)}>No messages stored for this session.</p>
      ) : (
        <ol className="mt-3 space-y-2">
          {messages.map((m, i) => {
            const turn = m.role === "user" ? turnOf.get(m.id) : undefined;
            return (
              <Fragment key={m.id}>
                <MessageCard message={m} />
                {turn && <StepTimeline turn={turn} />}
                {dataset && m.role === "user" && (
                  <AddToDataset traceId={dataset.traceId} messageId={m.id} reply={replyTo(messages, i)} datasets={dataset.names} />
                )}
              </Fragment>
            );
          })}
          {orphans.map((t) => (
            <StepTimeline key={t.messageId ?? "none"} turn={t} title="Steps of no stored message" />
          ))}
        </ol>
      )}
    </section>
  );
}

/** The real reply to the visitor message at `i`: the agent messages after it, up to the next visitor message. */
function replyTo(messages: DetailMessage[], i: number): string {
  const after = messages.slice(i + 1);
  const end = after.findIndex((m) => m.role === "user");
  return (end < 0 ? after : after.slice(0, end)).filter((m) => m.role === "agent" && !m.supersededAt).map((m) => m.content).join("\n\n");
}
