import type { RequestContext } from "../../core/context";
import type { DistrictBoardFigures, DistrictTicketFigures } from "./figures.types";

/** The window a figure is computed for: China local dates, both ends included. */
export interface FigureWindow {
  from: string;
  to: string;
}

/**
 * The seam through which other modules supply their district figures: the task board module
 * registers `board`, the tickets module `tickets` (once, at import time of their module file).
 * districtFigures answers null for a figure whose provider is not registered.
 */
export interface DistrictFigureProviders {
  board?: (ctx: RequestContext, window: FigureWindow) => Promise<DistrictBoardFigures>;
  tickets?: (ctx: RequestContext, window: FigureWindow) => Promise<DistrictTicketFigures>;
}

export const districtFigureProviders: DistrictFigureProviders = {};

export function registerDistrictFigureProvider<K extends keyof DistrictFigureProviders>(key: K, provider: NonNullable<DistrictFigureProviders[K]>): void {
  districtFigureProviders[key] = provider;
}
