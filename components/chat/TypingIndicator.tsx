interface TypingIndicatorProps {
  agentName: string;
}

/** Three bouncing dots while the agent is preparing its reply. */
export function TypingIndicator({ agentName }: TypingIndicatorProps) {
  return (
    <div data-testid="typing-indicator" className="flex items-center gap-2 py-1">
      <span className="inline-flex items-center gap-1 rounded-2xl rounded-bl-sm bg-slate-100 px-3 py-2.5 dark:bg-slate-800">
        {[0, 150, 300].map((delay) => (
          <span
            key={delay}
            aria-hidden="true"
            style={{ animationDelay: `${delay}ms` }}
            className="h-2 w-2 rounded-full bg-slate-500 motion-safe:animate-bounce dark:bg-slate-400"
          />
        ))}
      </span>
      <span className="sr-only">{agentName} is typing</span>
    </div>
  );
}
