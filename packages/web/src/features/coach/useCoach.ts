import type { Platform } from '@kefu/contracts';
import { type CoachRules, type ConcessionLadder, defaultCoachRules, defaultLadder, extendCoachRules } from '@kefu/core';
import { useEffect, useMemo, useState } from 'react';
import { type CoachSettings, coachApi } from './api.js';

const cache = new Map<string, Promise<CoachSettings>>();

/** Forgets a shop's cached settings (after saving them). */
export function invalidateCoachSettings(shopId: string): void {
  cache.delete(shopId);
}

function load(shopId: string): Promise<CoachSettings> {
  let p = cache.get(shopId);
  if (!p) {
    p = coachApi.settings(shopId);
    p.catch(() => cache.delete(shopId));
    cache.set(shopId, p);
  }
  return p;
}

export interface ShopCoachRules {
  rules: CoachRules;
  blocking: ReadonlySet<string>;
  ladder: ConcessionLadder;
  loaded: boolean;
}

/**
 * The shop's coach rules for in-browser linting: the defaults of the shop's platform until the shop's settings
 * arrive (once per shop and page load), then defaults + the shop's override. Off-platform contact always blocks.
 */
export function useShopCoach(shopId: string, platform: Platform): ShopCoachRules {
  const [settings, setSettings] = useState<CoachSettings | null>(null);
  useEffect(() => {
    let live = true;
    setSettings(null);
    if (shopId) load(shopId).then((s) => live && setSettings(s), () => undefined);
    return () => {
      live = false;
    };
  }, [shopId]);
  return useMemo(() => {
    const base = defaultCoachRules(settings?.platform ?? platform);
    return {
      rules: settings ? extendCoachRules(base, settings.rulesOverride) : base,
      blocking: new Set([...(settings?.blocking ?? []), ...(settings?.alwaysBlocking ?? ['off_platform_contact'])]),
      ladder: settings?.ladder ?? defaultLadder(),
      loaded: settings !== null,
    };
  }, [settings, platform]);
}
