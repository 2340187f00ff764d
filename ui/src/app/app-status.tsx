import { createContext, useContext, useEffect, type ReactNode } from "react";
import type { HealthResponse, SettingsResponse } from "@model-publisher/contract";
import { getHealth, getSettings } from "../api/backend.js";
import { useLoad, type Load } from "../components/use-load.js";

/**
 * The backend's health and settings for the whole app: reloaded after a settings change, when the window comes back
 * into view, and health every 30 s (a docker CLI or buildx installed meanwhile, a backend back up).
 */
export interface AppStatus {
  health: Load<HealthResponse>;
  settings: Load<SettingsResponse>;
}

const AppStatusContext = createContext<AppStatus | undefined>(undefined);

export function AppStatusProvider({ children }: { children: ReactNode }) {
  const health = useLoad(getHealth, "health");
  const settings = useLoad(getSettings, "settings");
  const reloadHealth = health.reload;
  const reloadSettings = settings.reload;
  useEffect(() => {
    const timer = window.setInterval(reloadHealth, 30_000);
    const onVisible = () => {
      if (document.visibilityState !== "visible") return;
      reloadHealth();
      reloadSettings();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [reloadHealth, reloadSettings]);
  return <AppStatusContext.Provider value={{ health, settings }}>{children}</AppStatusContext.Provider>;
}

export function useAppStatus(): AppStatus {
  const status = useContext(AppStatusContext);
  if (!status) throw new Error("useAppStatus needs AppStatusProvider");
  return status;
}
