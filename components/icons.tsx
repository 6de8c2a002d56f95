import type { ReactNode, SVGProps } from "react";

// Small inline icons, one drawing each, shared by the widget (components/chat/icons.tsx) and the
// operator pages (components/operator/icons.tsx), which pick their sizes. Decorative (aria-hidden):
// the buttons and badges carry the words.

export type IconComponent = (props: SVGProps<SVGSVGElement>) => ReactNode;

/** The drawings on a 24×24 grid, stroked in the current colour. */
export const drawings = {
  retry: (
    <>
      <path d="M3 12a9 9 0 0 1 15.5-6.2L21 8" />
      <path d="M21 3v5h-5" />
      <path d="M21 12a9 9 0 0 1-15.5 6.2L3 16" />
      <path d="M3 21v-5h5" />
    </>
  ),
  chatBubble: <path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.4A8 8 0 1 1 21 12Z" />,
  close: <path d="M6 6l12 12M18 6 6 18" />,
  send: <path d="M5 12h13M13 6l6 6-6 6" />,
  stop: <rect x="7" y="7" width="10" height="10" rx="1.5" fill="currentColor" stroke="none" />,
  plus: <path d="M12 5v14M5 12h14" />,
  thumbUp: <path d="M7 11v9H4v-9h3Zm0 0 4-7a2 2 0 0 1 2 2v4h5a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 16.8 20H7" />,
  thumbDown: <path d="M17 13V4h3v9h-3Zm0 0-4 7a2 2 0 0 1-2-2v-4H6a2 2 0 0 1-2-2.3l1.2-6A2 2 0 0 1 7.2 4H17" />,
  arrowDown: <path d="M12 5v14M6 13l6 6 6-6" />,
  copy: (
    <>
      <rect x="9" y="9" width="11" height="11" rx="2" />
      <path d="M5 15V5a2 2 0 0 1 2-2h8" />
    </>
  ),
  check: <path d="M5 12.5l4.5 4.5L19 7.5" />,
  more: <path d="M5 12h.01M12 12h.01M19 12h.01" strokeWidth={3} />,
  list: <path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" />,
  back: <path d="M19 12H5M11 6l-6 6 6 6" />,
} satisfies Record<string, ReactNode>;

/** An icon component drawing `drawing` at `size` pixels (props may override it). */
export function icon(drawing: keyof typeof drawings, size: number): IconComponent {
  function DrawnIcon(props: SVGProps<SVGSVGElement>) {
    return (
      <svg viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round"
        strokeLinejoin="round" aria-hidden="true" focusable="false" {...props}>
        {drawings[drawing]}
      </svg>
    );
  }
  return DrawnIcon;
}
