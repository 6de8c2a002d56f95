import { icon } from "../icons";

// The operator pages' icons (drawings in components/icons.tsx); decorative, the badges carry the words.

export const ThumbUpIcon = icon("thumbUp", 14);
export const ThumbDownIcon = icon("thumbDown", 14);
export const CommentIcon = icon("chatBubble", 12);
