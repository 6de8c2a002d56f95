"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { SignInFooter, useSignIn } from "./sign-in";
import { card, fieldLabel, input } from "./ui";

interface LoginFormProps {
  /** A token from the startup login URL (?token=…): submitted at once. */
  token?: string;
  /** Where to go after login (a same-site path). */
  next: string;
}

export function LoginForm({ token, next }: LoginFormProps) {
  const [value, setValue] = useState(token ?? "");
  const { status, message, signIn } = useSignIn(
    "/api/operator/login", next,
    (code, serverMessage) => (code === 401 ? "That token is not valid." : (serverMessage ?? `Login failed (${code}).`)),
    token ? "busy" : "idle",
  );
  const autoSubmitted = useRef(false);
  const login = (candidate: string) => signIn({ token: candidate.trim() });

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
      <SignInFooter status={status} message={message} testId="login" />
    </form>
  );
}
