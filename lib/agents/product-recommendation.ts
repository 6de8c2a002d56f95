// Product Recommendation: finds catalog products for the visitor's need and offers up
// to three as buttons; a product button is answered from the stored search output (R10).
import type { Agent, AgentPlan, Button, Product, TurnContext } from "../chat/types";
import { agentButton, isIntroTurn, payloadString, SELECT_AGENT, systemFor } from "./conversation";
import {
  productDetails,
  productFromSource,
  productLine,
  productsInToolOutputs,
  searchCatalog,
  toolOutputsOf,
  type CatalogSearch,
} from "./products";

export const PRODUCT_DETAILS = "product_details";
const MAX_RESULTS = 3;

const systemPrompt =
  "You are Threadline's Product Recommendation agent. You help visitors find products from the " +
  "store catalog. Only mention products, prices and facts present in the provided tool outputs; " +
  "never invent products. Be brief and friendly.";

function productButton(product: Product): Button {
  return { label: product.name, action: { id: PRODUCT_DETAILS, payload: { sku: product.sku } } };
}

function followUps(product: Product): Button[] {
  return [
    agentButton("sales_pitch", "Pitch it to me", { sku: product.sku }),
    agentButton("order_assistant", "Order in bulk", { sku: product.sku }),
  ];
}

function intro(): AgentPlan {
  return {
    system: systemFor(systemPrompt, "introduce yourself and ask what the visitor needs."),
    toolOutputs: {},
    draft:
      "Hi! I'm the Product Recommendation agent. Tell me what you need — for example " +
      '"a warm jacket for winter" or "a gift for a coffee lover" — and I\'ll suggest up to three ' +
      "products from our catalog. Type menu to see the other agents.",
    buttons: [],
    metadata: { kind: "intro" },
  };
}

async function details(ctx: TurnContext, sku: string): Promise<AgentPlan> {
  const stored = toolOutputsOf(ctx.actionSource);
  let product = productFromSource(ctx.actionSource, sku);
  const source = product ? "stored_tool_output" : "catalog_lookup";
  const toolOutputs: Record<string, unknown> = {};
  // Keep the search this button came from, so the sibling buttons below resolve from this reply.
  if (stored.catalog_search) toolOutputs.catalog_search = stored.catalog_search;
  if (!product) {
    product = await ctx.catalog.get(sku);
    toolOutputs.product_lookup = { sku, found: product !== null, product };
  }
  if (!product) {
    return {
      system: systemFor(systemPrompt, "tell the visitor the product is no longer available."),
      toolOutputs,
      draft: "Sorry, I can't find that product in the catalog anymore. Tell me what you need and I'll search again.",
      buttons: [],
      metadata: { kind: "product_details", sku, source },
    };
  }
  toolOutputs.product_details = { sku, product, source };
  const siblings = productsInToolOutputs(stored).filter((p) => p.sku !== product.sku).slice(0, 2);
  return {
    system: systemFor(systemPrompt, `describe ${product.name} using only the product_details tool output.`),
    toolOutputs,
    draft: `${productDetails(product)}\n\nWant a quick pitch, or to order 10 or more?`,
    buttons: [...followUps(product), ...siblings.map(productButton)],
    metadata: { kind: "product_details", sku, source },
  };
}

async function recommend(ctx: TurnContext): Promise<AgentPlan> {
  const search: CatalogSearch = await searchCatalog(ctx.catalog, ctx.message, MAX_RESULTS);
  const toolOutputs = { catalog_search: search };
  if (search.products.length === 0) {
    return {
      system: systemFor(systemPrompt, "no catalog product matched; ask the visitor to describe the need differently."),
      toolOutputs,
      draft: search.query
        ? `I couldn't find anything in the catalog for "${search.query}". Could you describe it another way — what it's for, or a product type?`
        : "What are you looking for? Tell me what it's for or the kind of product, and I'll suggest a few.",
      buttons: [],
      metadata: { kind: "recommendation", query: search.query, skus: [] },
    };
  }
  const list = search.products.map((p, i) => `${i + 1}. ${productLine(p)}`).join("\n");
  const intro = search.products.length === 1 ? "Here's a match" : `Here are ${search.products.length} matches`;
  return {
    system: systemFor(systemPrompt, "recommend the products in the catalog_search tool output, in that order."),
    toolOutputs,
    draft: `${intro} for "${search.query}":\n${list}\n\nTap one for details.`,
    buttons: search.products.map(productButton),
    metadata: { kind: "recommendation", query: search.query, skus: search.products.map((p) => p.sku) },
  };
}

export const productRecommendation: Agent = {
  key: "product_recommendation",
  name: "Product Recommendation",
  description: "finds catalog products that match your need",
  systemPrompt,
  async plan(ctx) {
    const sku = payloadString(ctx, "sku");
    if (sku && (ctx.action?.id === PRODUCT_DETAILS || ctx.action?.id === SELECT_AGENT)) return details(ctx, sku);
    if (isIntroTurn(ctx)) return intro();
    return recommend(ctx);
  },
};
