import { card, cardTitle, cx, muted } from "../operator/ui";
import { MessageCard, type DetailMessage } from "./MessageCard";

/** The session's messages in stored order. */
export function Conversation({ messages }: { messages: DetailMessage[] }) {
  return (
    <section aria-labelledby="conversation-title" data-testid="conversation" className={cx(card, "p-4")}>
      <h2 id="conversation-title" className={cardTitle}>
        Conversation <span className={cx("font-normal", muted)}>({messages.length} messages)</span>
      </h2>
      {messages.length === 0 ? (
        <p data-testid="conversation-empty" className={cx("mt-3 text-sm", muted)}>No messages stored for this session.</p>
      ) : (
        <ol className="mt-3 space-y-2">
          {messages.map((m) => (
            <MessageCard key={m.id} message={m} />
          ))}
        </ol>
      )}
    </section>
  );
}
