import type { VisitorSummary } from "@/lib/visitors/visitors";
import { formatCount } from "../operator/format";

// How the Visitors pages word a visitor's figures.

export const channelLabel = (channel: string) => (channel === "whatsapp" ? "WhatsApp" : channel === "web" ? "Web" : channel);

export const plural = formatCount;

/** "👍 2 · 👎 1" style summary in words: the visitor's helpful answers and votes, and others' scores. */
export function scoreParts(s: VisitorSummary["scores"]): string[] {
  const parts: string[] = [];
  if (s.helpfulUp || s.helpfulDown) parts.push(`helpful ${s.helpfulUp} yes / ${s.helpfulDown} no`);
  if (s.votesUp || s.votesDown) parts.push(`votes ${s.votesUp} up / ${s.votesDown} down`);
  if (s.operatorScores) parts.push(plural(s.operatorScores, "operator score"));
  return parts;
}

export const visitorHref = (id: string) => `/visitors/${encodeURIComponent(id)}`;
