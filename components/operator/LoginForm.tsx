"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { card, fieldLabel, input, primaryButton } from "./ui";

interface LoginFormProps {
  /** A token from the startup login URL (?token=…): submitted at once. */
  token?: string;
  /** Where to go after login (a same-site path). */
  next: string;
}

export function LoginForm({ token, next }: LoginFormProps) {
  const [value, setValue] = useState(token ?? "");
  const [status, setStatus] = useState<"idle" | "busy" | "error">(token ? "busy" : "idle");
  const [message, setMessage] = useState("");
  const autoSubmitted = useRef(false);

  async function login(candidate: string) {
    setStatus("busy");
    try {
      const res = await fetch("/api/operator/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: candidate.trim() }),
      });
      if (res.ok) {
        window.location.replace(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setMessage(res.status === 401 ? "That token is not valid." : (body?.error?.message ?? `Login failed (${res.status}).`));
    } catch {
      setMessage("The server cannot be reached. Try again.");
    }
    setStatus("error");
  }

  useEffect(() => {
    if (!token || autoSubmitted.current) return;
    autoSubmitted.current = true;
    // the token leaves the address bar (and the history) before anything else
    window.history.replaceState(null, "", `/login?next=${encodeURIComponent(next)}`);
    void login(token);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (value.trim()) void login(value);
  }

  return (
    <form onSubmit={submit} className={`${card} w-full max-w-sm space-y-4 p-6`} data-testid="login-form" aria-busy={status === "busy"}>
      <div>
        <h1 className="text-lg font-semibold">Operator login</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Paste the admin token (<code className="font-mono text-xs">ADMIN_TOKEN</code>, or the login URL printed when the server started).
        </p>
      </div>
      <label className="block space-y-1">
        <span className={fieldLabel}>Admin token</span>
        <input
          type="password"
          name="token"
          autoComplete="current-password"
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid="login-token"
          className={input}
        />
      </label>
      {status === "error" && (
        <p role="alert" data-testid="login-error" className="text-sm text-rose-700 dark:text-rose-300">
          {message}
        </p>
      )}
      <button type="submit" disabled={status === "busy"} data-testid="login-submit" className={`${primaryButton} w-full`}>
        {status === "busy" ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
