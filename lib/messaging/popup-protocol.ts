/** Popup → background. Each entry is a message name, its parameter and its answer. */
export interface PopupToBackground {
  getStatus(params: Record<string, never>): BackgroundStatus;
}

export interface BackgroundStatus {
  readonly version: string;
  readonly companionUrl: string;
}
