"use client";

import { useEffect, useRef, useState } from "react";
import { newClientMessageId } from "./storage";
import { cx, focusRing } from "./styles";

// The hold-to-record microphone (README "Voice"): shown only where the browser can record
// (MediaRecorder + getUserMedia) AND the server says voice is on (GET /api/chat/voice).
// Releasing sends the recording to POST /api/chat/voice (mode "transcribe"); the transcript
// then goes out as the visitor's message with the same clientMessageId, so the stored
// question carries the recording's audio_url.

interface VoiceRecorderProps {
  disabled: boolean;
  onTranscript: (transcript: string, clientMessageId: string) => void;
}

type Phase = "idle" | "recording" | "sending";

function canRecord(): boolean {
  return typeof window !== "undefined" && typeof window.MediaRecorder !== "undefined" && Boolean(navigator.mediaDevices?.getUserMedia);
}

export function VoiceRecorder({ disabled, onTranscript }: VoiceRecorderProps) {
  const [available, setAvailable] = useState(false);
  const [phase, setPhase] = useState<Phase>("idle");
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);

  useEffect(() => {
    if (!canRecord()) return;
    const controller = new AbortController();
    fetch("/api/chat/voice", { signal: controller.signal })
      .then((res) => (res.ok ? res.json() : null))
      .then((body: { enabled?: boolean } | null) => setAvailable(body?.enabled === true))
      .catch(() => setAvailable(false));
    return () => controller.abort();
  }, []);

  async function start() {
    if (disabled || phase !== "idle") return;
    setError(null);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const rec = new MediaRecorder(stream);
      chunks.current = [];
      rec.ondataavailable = (event) => event.data.size > 0 && chunks.current.push(event.data);
      rec.onstop = () => {
        stream.getTracks().forEach((t) => t.stop());
        void send(new Blob(chunks.current, { type: rec.mimeType || "audio/webm" }));
      };
      recorder.current = rec;
      rec.start();
      setPhase("recording");
    } catch {
      setError("The microphone is not available.");
    }
  }

  function stop() {
    if (recorder.current?.state === "recording") recorder.current.stop();
    recorder.current = null;
  }

  async function send(audio: Blob) {
    setPhase("sending");
    const clientMessageId = newClientMessageId();
    const form = new FormData();
    form.set("audio", audio, "voice.webm");
    form.set("clientMessageId", clientMessageId);
    form.set("mode", "transcribe");
    try {
      const res = await fetch("/api/chat/voice", { method: "POST", body: form, credentials: "same-origin" });
      const body = (await res.json()) as { transcript?: string; error?: { message: string } };
      if (!res.ok || !body.transcript) setError(body.error?.message ?? "The recording could not be sent.");
      else onTranscript(body.transcript, clientMessageId);
    } catch {
      setError("The recording could not be sent.");
    } finally {
      setPhase("idle");
    }
  }

  if (!available) return null;
  const label = phase === "recording" ? "Release to send" : phase === "sending" ? "Sending recording" : "Hold to record a voice message";
  return (
    <>
      <button
        type="button"
        data-testid="chat-mic"
        aria-label={label}
        title={error ?? label}
        aria-pressed={phase === "recording"}
        disabled={disabled || phase === "sending"}
        onPointerDown={(event) => {
          event.preventDefault();
          void start();
        }}
        onPointerUp={stop}
        onPointerLeave={stop}
        onKeyDown={(event) => (event.key === " " || event.key === "Enter") && !event.repeat && void start()}
        onKeyUp={(event) => (event.key === " " || event.key === "Enter") && stop()}
        className={cx(
          "inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full border text-sm",
          phase === "recording" ? "border-red-600 bg-red-600 text-white" : "border-slate-400 bg-white text-slate-800 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100",
          "disabled:cursor-not-allowed disabled:opacity-60",
          focusRing,
        )}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <rect x="9" y="3" width="6" height="11" rx="3" />
          <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
        </svg>
      </button>
      {error && <span role="alert" data-testid="chat-mic-error" className="sr-only">{error}</span>}
    </>
  );
}
