"use client";

import { pillButton } from "./styles";
import type { Button } from "@/lib/chat/wire";

interface ReplyButtonsProps {
  buttons: Button[];
  disabled: boolean;
  onPress: (button: Button) => void;
}

/** The buttons an agent reply offers; each sends its action. */
export function ReplyButtons({ buttons, disabled, onPress }: ReplyButtonsProps) {
  return (
    <div data-testid="message-buttons" role="group" aria-label="Reply options" className="mt-2 flex flex-wrap gap-2">
      {buttons.map((button, index) => (
        <button
          key={`${index}-${button.label}`}
          type="button"
          data-testid="reply-button"
          data-action-id={button.action.id}
          disabled={disabled}
          onClick={() => onPress(button)}
          className={pillButton}
        >
          {button.label}
        </button>
      ))}
    </div>
  );
}
