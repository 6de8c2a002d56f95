"use client";

import { memo } from "react";
import ReactMarkdown, { defaultUrlTransform, type Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import remend from "remend";

// An agent reply as Markdown (GFM: lists, bold, links, tables). Raw HTML is
// never rendered (skipHtml), unsafe URLs such as javascript: are dropped
// (defaultUrlTransform) and a link without a safe URL is plain text; links open
// in a new tab without access to this page. Images are not shown (no remote
// fetches from a reply). While streaming, remend closes half-written markers so
// "**bo" is already bold instead of flashing asterisks.

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer" className="font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  p: ({ children }) => <p className="my-1.5 whitespace-pre-wrap first:mt-0 last:mb-0">{children}</p>,
  ul: ({ children }) => <ul className="my-1.5 list-disc space-y-0.5 pl-5 first:mt-0 last:mb-0">{children}</ul>,
  ol: ({ children }) => <ol className="my-1.5 list-decimal space-y-0.5 pl-5 first:mt-0 last:mb-0">{children}</ol>,
  li: ({ children }) => <li className="whitespace-pre-wrap">{children}</li>,
  strong: ({ children }) => <strong className="font-semibold">{children}</strong>,
  h1: ({ children }) => <p className="my-1.5 font-semibold first:mt-0">{children}</p>,
  h2: ({ children }) => <p className="my-1.5 font-semibold first:mt-0">{children}</p>,
  h3: ({ children }) => <p className="my-1.5 font-semibold first:mt-0">{children}</p>,
  code: ({ children }) => <code className="rounded bg-slate-200 px-1 font-mono text-[0.85em] dark:bg-slate-700">{children}</code>,
  pre: ({ children }) => <pre className="my-1.5 overflow-x-auto rounded-lg bg-slate-200 p-2 dark:bg-slate-700">{children}</pre>,
  table: ({ children }) => (
    <div className="my-1.5 max-w-full overflow-x-auto">
      <table className="min-w-full border-collapse text-left text-xs">{children}</table>
    </div>
  ),
  th: ({ children, style }) => (
    <th style={style} className="border-b border-slate-300 px-2 py-1 font-semibold dark:border-slate-600">
      {children}
    </th>
  ),
  td: ({ children, style }) => (
    <td style={style} className="border-b border-slate-200 px-2 py-1 dark:border-slate-700">
      {children}
    </td>
  ),
};

const remarkPlugins = [remarkGfm];

function safeUrl(url: string): string {
  return url.startsWith("streamdown:") ? "" : defaultUrlTransform(url);
}

interface MarkdownProps {
  text: string;
  streaming?: boolean;
}

export const Markdown = memo(function Markdown({ text, streaming = false }: MarkdownProps) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPlugins}
      components={components}
      skipHtml
      urlTransform={safeUrl}
      disallowedElements={["img"]}
      unwrapDisallowed
    >
      {streaming ? remend(text) : text}
    </ReactMarkdown>
  );
});
