// Sales Pitch: a persuasive pitch for a product the visitor names (catalog search) or
// the one recommended earlier in the session (the stored tool outputs in its history).
import type { Agent, AgentPlan, Button, Product, TurnContext } from "../chat/types";
import { agentButton, isIntroTurn, payloadString, pick, systemFor } from "./conversation";
import { formatPrice, productFromSource, recentProduct, searchCatalog, type CatalogSearch } from "./products";

export const PITCH_PRODUCT = "pitch_product";

const systemPrompt =
  "You are Threadline's Sales Pitch agent. Write a short, warm, persuasive pitch for one product " +
  "from the store catalog. Use only the facts in the provided tool outputs (name, price, description, " +
  "tags, pickup location); never invent features, discounts or stock levels.";

/** Words that ask for a pitch rather than name a product. */
const PITCH_WORDS = ["pitch", "sell", "convince", "persuade", "tell", "about", "why", "should", "me", "it", "us", "instead"];
const REFERS_BACK = /\b(it|this|that|the one|same|recommended|you (showed|suggested|recommended))\b/i;

function intro(): AgentPlan {
  return {
    system: systemFor(systemPrompt, "introduce yourself and ask which product to pitch."),
    toolOutputs: {},
    draft:
      "Hi! I'm the Sales Pitch agent. Name a product — say \"the rain jacket\" — and I'll tell you " +
      "why it's worth it. Type menu to see the other agents.",
    buttons: [],
    metadata: { kind: "intro" },
  };
}

/** The pitch itself, worded deterministically from the product's facts. */
export function pitchText(product: Product): string {
  const opener = pick(
    [
      `Meet the ${product.name}.`,
      `Let me tell you why the ${product.name} deserves a spot on your list.`,
      `Here's one of our favourite ${product.category} picks: the ${product.name}.`,
    ],
    product.sku,
  );
  const parts = [opener, product.description];
  const named = `${product.name} ${product.category}`.toLowerCase();
  const uses = product.tags.filter((t) => !named.includes(t.toLowerCase())).slice(0, 3);
  if (uses.length > 0) parts.push(`Think ${uses.join(", ")}.`);
  parts.push(`All that for ${formatPrice(product.priceCents)}, ready for pickup at ${product.pickupLocation}.`);
  parts.push("Need 10 or more? I can hand you to our Order Assistant for a bulk order.");
  return parts.join(" ");
}

function pitch(product: Product, source: string, search: CatalogSearch | null): AgentPlan {
  const toolOutputs: Record<string, unknown> = { pitch: { sku: product.sku, product, source } };
  const buttons: Button[] = [agentButton("order_assistant", "Order in bulk", { sku: product.sku })];
  if (search) {
    toolOutputs.catalog_search = search;
    for (const other of search.products.filter((p) => p.sku !== product.sku).slice(0, 2)) {
      buttons.push({ label: `Pitch ${other.name} instead`, action: { id: PITCH_PRODUCT, payload: { sku: other.sku } } });
    }
  }
  return {
    system: systemFor(systemPrompt, `pitch ${product.name} from the pitch tool output in at most five sentences.`),
    toolOutputs,
    draft: pitchText(product),
    buttons,
    metadata: { kind: "pitch", sku: product.sku, source },
  };
}

function askWhich(ctx: TurnContext, search: CatalogSearch): AgentPlan {
  const recent = recentProduct(ctx.history);
  const notFound = search.query ? `I couldn't find "${search.query}" in our catalog. ` : "";
  return {
    system: systemFor(systemPrompt, "no product was found; ask which catalog product to pitch."),
    toolOutputs: { catalog_search: search },
    draft: `${notFound}Which product would you like me to pitch? Tell me its name or what it's for.`,
    buttons: recent
      ? [{ label: `Pitch ${recent.name}`, action: { id: PITCH_PRODUCT, payload: { sku: recent.sku } } }]
      : [agentButton("product_recommendation", "Find a product first")],
    metadata: { kind: "pitch_needs_product", query: search.query },
  };
}

async function pitchSku(ctx: TurnContext, sku: string): Promise<AgentPlan | null> {
  const stored = productFromSource(ctx.actionSource, sku);
  if (stored) return pitch(stored, "stored_tool_output", null);
  const product = await ctx.catalog.get(sku);
  if (!product) return null;
  return pitch(product, "catalog_lookup", null);
}

export const salesPitch: Agent = {
  key: "sales_pitch",
  name: "Sales Pitch",
  description: "pitches a product you name or were recommended",
  systemPrompt,
  async plan(ctx) {
    const sku = payloadString(ctx, "sku");
    if (sku) {
      const planned = await pitchSku(ctx, sku);
      if (planned) return planned;
    } else if (isIntroTurn(ctx)) {
      return intro();
    }
    const search = await searchCatalog(ctx.catalog, ctx.message, 3, PITCH_WORDS);
    if (search.products.length > 0) return pitch(search.products[0], "catalog_search", search);
    // "Pitch it to me": no product named, so use the one in focus earlier in the session.
    if (!search.query || REFERS_BACK.test(ctx.message)) {
      const recent = recentProduct(ctx.history);
      if (recent) return pitch(recent, "session_history", null);
    }
    return askWhich(ctx, search);
  },
};
