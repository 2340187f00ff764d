import { createContext, useContext, useEffect, type ReactNode } from "react";
import type { HealthResponse, SettingsResponse } from "@model-publisher/contract";
import { getHealth, getSettings } from "../api/backend.js";
import { hostSignIns as readHostSignIns, type HostSignIns } from "../api/desktop.js";
import { useLoad, type Load } from "../components/use-load.js";

/**
 * The backend's health and settings, and the host's sign-ins (Docker Desktop), for the whole app: reloaded after a
 * settings change, when the window comes back into view, and health every 30 s (a docker CLI or buildx installed
 * meanwhile, a backend back up).
 */
export interface AppStatus {
  health: Load<HealthResponse>;
  settings: Load<SettingsResponse>;
  /** The registries the user's own Docker is signed in to (none standalone). */
  hostSignIns: Load<HostSignIns>;
}

const AppStatusContext = createContext<AppStatus | undefined>(undefined);

export function AppStatusProvider({ children }: { children: ReactNode }) {
  const health = useLoad(getHealth, "health");
  const settings = useLoad(getSettings, "settings");
  const hostSignIns = useLoad(readHostSignIns, "host-sign-ins");
  const reloadHealth = health.reload;
  const reloadSettings = settings.reload;
  const reloadHostSignIns = hostSignIns.reload;
  useEffect(() => {
    const timer = window.setInterval(reloadHealth, 30_000);
    const onVisible = () => {
      if (document.visibilityState !== "visible") return;
      reloadHealth();
      reloadSettings();
      reloadHostSignIns();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [reloadHealth, reloadSettings, reloadHostSignIns]);
  return <AppStatusContext.Provider value={{ health, settings, hostSignIns }}>{children}</AppStatusContext.Provider>;
}

export function useAppStatus(): AppStatus {
  const status = useContext(AppStatusContext);
  if (!status) throw new Error("useAppStatus needs AppStatusProvider");
  return status;
}
