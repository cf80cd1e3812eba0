/**
 * Inline SVG icons (16 px, `currentColor`): no icon font to fetch, crisp at any zoom. Decorative
 * by default; the text next to an icon always says the same thing.
 */
import type { SVGProps } from 'react';

type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { readonly size?: number };

function Svg({ size = 16, children, ...rest }: IconProps & { readonly children: React.ReactNode }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="currentColor" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

/** A check in a circle: healthy. */
export function CheckCircleIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm3.28 5.22a.75.75 0 0 0-1.06 0L7 8.44 5.78 7.22a.75.75 0 0 0-1.06 1.06l1.75 1.75a.75.75 0 0 0 1.06 0l3.75-3.75a.75.75 0 0 0 0-1.06Z" />
    </Svg>
  );
}

/** A triangle with an exclamation mark: warning. */
export function AlertIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M6.46 1.2a1.75 1.75 0 0 1 3.08 0l6.25 11.5A1.75 1.75 0 0 1 14.25 15H1.75a1.75 1.75 0 0 1-1.54-2.3L6.46 1.2ZM8 5a.75.75 0 0 0-.75.75v3.5a.75.75 0 0 0 1.5 0v-3.5A.75.75 0 0 0 8 5Zm0 7.5a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" />
    </Svg>
  );
}

/** A cross in an octagon: broken. */
export function StopIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M4.47.22A.75.75 0 0 1 5 0h6a.75.75 0 0 1 .53.22l4.25 4.25c.14.14.22.33.22.53v6a.75.75 0 0 1-.22.53l-4.25 4.25A.75.75 0 0 1 11 16H5a.75.75 0 0 1-.53-.22L.22 11.53A.75.75 0 0 1 0 11V5a.75.75 0 0 1 .22-.53L4.47.22Zm1.31 4.5a.75.75 0 0 0-1.06 1.06L6.94 8l-2.22 2.22a.75.75 0 1 0 1.06 1.06L8 9.06l2.22 2.22a.75.75 0 1 0 1.06-1.06L9.06 8l2.22-2.22a.75.75 0 0 0-1.06-1.06L8 6.94 5.78 4.72Z" />
    </Svg>
  );
}

/** A question mark in a circle: not checked yet. */
export function QuestionIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm0 11.5a1 1 0 1 0 0 2 1 1 0 0 0 0-2Zm0-8.25c-1.6 0-2.75 1.1-2.75 2.5a.75.75 0 0 0 1.5 0c0-.55.48-1 1.25-1s1.25.45 1.25 1c0 .37-.2.6-.68.93-.5.35-1.32.87-1.32 2.07v.25a.75.75 0 0 0 1.5 0v-.25c0-.37.2-.55.68-.88.5-.35 1.32-.9 1.32-2.12 0-1.4-1.15-2.5-2.75-2.5Z" />
    </Svg>
  );
}

/** An "i" in a circle: information. */
export function InfoIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm.75 6.75a.75.75 0 0 0-1.5 0v4.5a.75.75 0 0 0 1.5 0v-4.5ZM8 3.5a1 1 0 1 0 0 2 1 1 0 0 0 0-2Z" />
    </Svg>
  );
}

/** A folder. */
export function FolderIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M1.75 1A1.75 1.75 0 0 0 0 2.75v10.5C0 14.22.78 15 1.75 15h12.5A1.75 1.75 0 0 0 16 13.25v-8.5A1.75 1.75 0 0 0 14.25 3H7.5a.25.25 0 0 1-.2-.1l-.9-1.2A1.75 1.75 0 0 0 5 1H1.75Z" />
    </Svg>
  );
}

/** Two arrows in a circle: rescan. */
export function RefreshIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M1.7 6.4A6.5 6.5 0 0 1 13.4 4V2.25a.75.75 0 0 1 1.5 0v4a.75.75 0 0 1-.75.75h-4a.75.75 0 0 1 0-1.5h2.1A5 5 0 0 0 3.16 6.8a.75.75 0 1 1-1.46-.4Zm12.1 2.77a.75.75 0 0 1 .5.93A6.5 6.5 0 0 1 2.6 12v1.75a.75.75 0 0 1-1.5 0v-4A.75.75 0 0 1 1.85 9h4a.75.75 0 0 1 0 1.5h-2.1a5 5 0 0 0 9.09-.83.75.75 0 0 1 .96-.5Z" />
    </Svg>
  );
}

/** A cross: close, dismiss, stop watching. */
export function CloseIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M3.72 3.72a.75.75 0 0 1 1.06 0L8 6.94l3.22-3.22a.75.75 0 1 1 1.06 1.06L9.06 8l3.22 3.22a.75.75 0 1 1-1.06 1.06L8 9.06l-3.22 3.22a.75.75 0 0 1-1.06-1.06L6.94 8 3.72 4.78a.75.75 0 0 1 0-1.06Z" />
    </Svg>
  );
}

/** Two sheets: copy. */
export function CopyIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M0 6.75C0 5.78.78 5 1.75 5h1.5a.75.75 0 0 1 0 1.5h-1.5a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-1.5a.75.75 0 0 1 1.5 0v1.5A1.75 1.75 0 0 1 9.25 16h-7.5A1.75 1.75 0 0 1 0 14.25v-7.5Zm5-5C5 .78 5.78 0 6.75 0h7.5C15.22 0 16 .78 16 1.75v7.5A1.75 1.75 0 0 1 14.25 11h-7.5A1.75 1.75 0 0 1 5 9.25v-7.5Zm1.75-.25a.25.25 0 0 0-.25.25v7.5c0 .14.11.25.25.25h7.5a.25.25 0 0 0 .25-.25v-7.5a.25.25 0 0 0-.25-.25h-7.5Z" />
    </Svg>
  );
}

/** A chevron pointing right (rotated for expanded). */
export function ChevronIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M6.22 3.22a.75.75 0 0 1 1.06 0l4.25 4.25a.75.75 0 0 1 0 1.06l-4.25 4.25a.75.75 0 0 1-1.06-1.06L9.94 8 6.22 4.28a.75.75 0 0 1 0-1.06Z" />
    </Svg>
  );
}

/** A stack of layers: a checkpoint family. */
export function StackIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M7.12.26a1.75 1.75 0 0 1 1.76 0l6.5 3.75a.75.75 0 0 1 0 1.3l-6.5 3.75a1.75 1.75 0 0 1-1.76 0L.62 5.31a.75.75 0 0 1 0-1.3L7.12.26ZM.36 8.3a.75.75 0 0 1 1.02-.28l6.49 3.74a.25.25 0 0 0 .25 0l6.5-3.74a.75.75 0 0 1 .75 1.3l-6.5 3.74a1.75 1.75 0 0 1-1.75 0L.64 9.32A.75.75 0 0 1 .36 8.3Zm0 3.5a.75.75 0 0 1 1.02-.28l6.49 3.74a.25.25 0 0 0 .25 0l6.5-3.74a.75.75 0 1 1 .75 1.3l-6.5 3.74a1.75 1.75 0 0 1-1.75 0L.64 12.82a.75.75 0 0 1-.28-1.02Z" />
    </Svg>
  );
}

/** A keyboard: shortcuts. */
export function KeyboardIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M0 4.25C0 3.01 1.01 2 2.25 2h11.5C14.99 2 16 3.01 16 4.25v7.5A2.25 2.25 0 0 1 13.75 14H2.25A2.25 2.25 0 0 1 0 11.75v-7.5Zm2.25-.75a.75.75 0 0 0-.75.75v7.5c0 .41.34.75.75.75h11.5c.41 0 .75-.34.75-.75v-7.5a.75.75 0 0 0-.75-.75H2.25ZM3 6h1.5v1.5H3V6Zm3 0h1.5v1.5H6V6Zm3 0h1.5v1.5H9V6Zm3 0h1.5v1.5H12V6ZM4.5 9.5h7V11h-7V9.5Z" />
    </Svg>
  );
}
