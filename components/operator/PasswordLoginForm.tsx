"use client";

import { useState, type FormEvent } from "react";
import { card, fieldLabel, input, primaryButton } from "./ui";

// Email + password sign-in through Supabase Auth (shown on /login when Supabase Auth is configured).
export function PasswordLoginForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [status, setStatus] = useState<"idle" | "busy" | "error">("idle");
  const [message, setMessage] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStatus("busy");
    try {
      const res = await fetch("/api/operator/password-login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: email.trim(), password }),
      });
      if (res.ok) {
        window.location.replace(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setMessage(body?.error?.message ?? `Sign-in failed (${res.status}).`);
    } catch {
      setMessage("The server cannot be reached. Try again.");
    }
    setStatus("error");
  }

  return (
    <form onSubmit={submit} className={`${card} w-full max-w-sm space-y-4 p-6`} data-testid="password-login-form" aria-busy={status === "busy"}>
      <h1 className="text-lg font-semibold">Operator sign-in</h1>
      <label className="block space-y-1">
        <span className={fieldLabel}>Email</span>
        <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" className={input} />
      </label>
      <label className="block space-y-1">
        <span className={fieldLabel}>Password</span>
        <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" className={input} />
      </label>
      {status === "error" && (
        <p role="alert" data-testid="password-login-error" className="text-sm text-rose-700 dark:text-rose-300">
          {message}
        </p>
      )}
      <button type="submit" disabled={status === "busy"} data-testid="password-login-submit" className={`${primaryButton} w-full`}>
        {status === "busy" ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
