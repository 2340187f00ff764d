import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.js";
import { standaloneThemes } from "./app/standalone-themes.js";

// Docker Desktop injects its themes; standalone we supply the same light/dark pair.
if (!window.__ddMuiV6Themes) window.__ddMuiV6Themes = standaloneThemes;

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
