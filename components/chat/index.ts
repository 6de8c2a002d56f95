export { ChatWidget, type ChatWidgetProps } from "./ChatWidget";
