import { createContext, useContext, type ReactNode } from "react";
import type { HealthResponse, SettingsResponse } from "@model-publisher/contract";
import { getHealth, getSettings } from "../api/backend.js";
import { useLoad, type Load } from "./use-load.js";

/** The backend's health and settings, loaded once for the whole app and reloaded after a settings change. */
export interface AppStatus {
  health: Load<HealthResponse>;
  settings: Load<SettingsResponse>;
}

const AppStatusContext = createContext<AppStatus | undefined>(undefined);

export function AppStatusProvider({ children }: { children: ReactNode }) {
  const health = useLoad(getHealth, "health");
  const settings = useLoad(getSettings, "settings");
  return <AppStatusContext.Provider value={{ health, settings }}>{children}</AppStatusContext.Provider>;
}

export function useAppStatus(): AppStatus {
  const status = useContext(AppStatusContext);
  if (!status) throw new Error("useAppStatus needs AppStatusProvider");
  return status;
}
