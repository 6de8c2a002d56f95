"use client";

import { formatPrice, productSku, useProductFacts } from "./product-cards";
import { cx, focusRing } from "./styles";
import type { Button } from "@/lib/chat/wire";

interface ProductCardsProps {
  buttons: Button[];
  disabled: boolean;
  onPress: (button: Button) => void;
}

/** Compact product cards (name, price, one line); pressing one sends its button's action. */
export function ProductCards({ buttons, disabled, onPress }: ProductCardsProps) {
  const skus = buttons.map((b) => productSku(b) ?? "");
  const facts = useProductFacts(skus);
  return (
    <ul data-testid="product-cards" aria-label="Products" className="mt-2 flex w-full max-w-[85%] flex-col gap-2">
      {buttons.map((button, index) => {
        const sku = skus[index];
        const card = facts.get(sku);
        const price = formatPrice(card?.priceCents ?? null);
        return (
          <li key={`${index}-${sku}`} data-testid="product-card" data-sku={sku} className="min-w-0">
            <button
              type="button"
              data-testid="reply-button"
              data-action-id={button.action.id}
              disabled={disabled}
              onClick={() => onPress(button)}
              className={cx(
                "block w-full rounded-xl border border-slate-200 bg-white px-3 py-2 text-left hover:border-indigo-500 hover:bg-indigo-50",
                "disabled:cursor-not-allowed disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:border-indigo-400 dark:hover:bg-slate-800",
                focusRing,
              )}
            >
              <span className="flex items-baseline justify-between gap-2">
                <span data-testid="product-card-name" className="min-w-0 truncate text-sm font-medium text-slate-900 dark:text-white">
                  {button.label}
                </span>
                {price && (
                  <span data-testid="product-card-price" className="shrink-0 text-sm font-semibold text-slate-900 dark:text-white">
                    {price}
                  </span>
                )}
              </span>
              {card?.summary && (
                <span data-testid="product-card-summary" className="mt-0.5 block truncate text-xs text-slate-600 dark:text-slate-400">
                  {card.summary}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
