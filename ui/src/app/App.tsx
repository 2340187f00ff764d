import { Box, CssBaseline } from "@mui/material";
import { DockerMuiV6ThemeProvider } from "@docker/docker-mui-theme";
import { Header, tabOf, type TabName } from "./Header.js";
import { Notices } from "./Notices.js";
import { StatusLine } from "./StatusLine.js";
import { AppStatusProvider } from "./app-status.js";
import { RunningJobsProvider } from "../jobs/running-jobs.js";
import { useEffect, useRef } from "react";
import { useHashRoute, type Route } from "./hash-route.js";
import { HistoryPage } from "../jobs/HistoryPage.js";
import { InspectPage } from "../inspect/InspectPage.js";
import { JobPage } from "../jobs/JobPage.js";
import { PublishPage } from "../publish/PublishPage.js";
import { SettingsPage } from "../settings/SettingsPage.js";

export function App() {
  const [route, navigate] = useHashRoute();
  // Each tab comes back where it was left (the picked model, the inspected reference); the current tab stays put.
  const lastRoute = useRef<Partial<Record<TabName, Route>>>({});
  const current = tabOf(route);
  useEffect(() => {
    if (route.page === "publish" || route.page === "inspect") lastRoute.current[route.page] = route;
  }, [route]);
  const onTab = (tab: TabName) => {
    if (tab === current && route.page === tab) return;
    navigate((tab === "publish" || tab === "inspect" ? lastRoute.current[tab] : undefined) ?? ({ page: tab } as Route));
  };
  return (
    <DockerMuiV6ThemeProvider>
      <CssBaseline />
      <AppStatusProvider>
        <RunningJobsProvider>
          <Box sx={{ minHeight: "100vh", display: "flex", flexDirection: "column" }}>
            <Header
              tab={current}
              onTab={onTab}
              onJob={(id) => navigate(id ? { page: "job", id } : { page: "history" })}
            />
            <Box component="main" sx={{ flex: 1, px: 3, py: 2, minWidth: 0 }}>
              {route.page === "publish" && <PublishPage route={route} navigate={navigate} />}
              {route.page === "history" && <HistoryPage navigate={navigate} />}
              {route.page === "job" && <JobPage id={route.id} navigate={navigate} />}
              {route.page === "inspect" && <InspectPage route={route} navigate={navigate} />}
              {route.page === "settings" && <SettingsPage />}
            </Box>
            <StatusLine />
          </Box>
          <Notices />
        </RunningJobsProvider>
      </AppStatusProvider>
    </DockerMuiV6ThemeProvider>
  );
}
