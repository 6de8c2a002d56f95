import { icon } from "../icons";

// The widget's icons (drawings in components/icons.tsx); decorative (aria-hidden), labelled by their buttons.

export const RetryIcon = icon("retry", 20);
export const ChatBubbleIcon = icon("chatBubble", 20);
export const CloseIcon = icon("close", 20);
export const SendIcon = icon("send", 20);
export const StopIcon = icon("stop", 20);
export const NewChatIcon = icon("plus", 20);
export const ThumbUpIcon = icon("thumbUp", 16);
export const ThumbDownIcon = icon("thumbDown", 16);
export const ArrowDownIcon = icon("arrowDown", 16);
export const CopyIcon = icon("copy", 16);
export const CheckIcon = icon("check", 16);
export const MoreIcon = icon("more", 20);
export const ListIcon = icon("list", 20);
export const BackIcon = icon("back", 16);
