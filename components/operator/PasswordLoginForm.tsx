"use client";

import { useState, type FormEvent } from "react";
import { SignInFooter, useSignIn } from "./sign-in";
import { card, fieldLabel, input } from "./ui";

// Email + password sign-in through Supabase Auth (shown on /login when Supabase Auth is configured).
export function PasswordLoginForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { status, message, signIn } = useSignIn("/api/operator/password-login", next, (code, serverMessage) => serverMessage ?? `Sign-in failed (${code}).`);

  function submit(event: FormEvent) {
    event.preventDefault();
    void signIn({ email: email.trim(), password });
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
      <SignInFooter status={status} message={message} testId="password-login" />
    </form>
  );
}
