import type { ThemeOptions } from "@mui/material/styles";

/**
 * Light and dark theme options shaped like the ones Docker Desktop injects as `window.__ddMuiV6Themes`, so the
 * standalone UI (no Desktop) renders through the same `DockerMuiV6ThemeProvider`.
 */
const docker = {
  amber: {
    100: "#fff4dc",
    200: "#ffe4a6",
    300: "#ffcf5c",
    400: "#f9b33c",
    500: "#e59c19",
    600: "#c17b07",
    700: "#955c00",
    800: "#6b4100",
  },
  blue: {
    100: "#e5f2fc",
    200: "#c0e0fa",
    300: "#8bc7f5",
    400: "#4ba6ee",
    500: "#2560ff",
    600: "#1d4fd8",
    700: "#1a3db0",
    800: "#142b7d",
  },
  green: {
    100: "#e7f6ec",
    200: "#c0e8cd",
    300: "#8dd6a5",
    400: "#4cbc75",
    500: "#2aa055",
    600: "#1f8043",
    700: "#186334",
    800: "#104424",
  },
  grey: {
    100: "#f4f4f6",
    200: "#e1e2e6",
    300: "#c4c8d1",
    400: "#8993a5",
    500: "#6c7e9d",
    600: "#505f79",
    700: "#394865",
    800: "#27303c",
  },
  red: {
    100: "#fdeaea",
    200: "#f8c7c7",
    300: "#f09191",
    400: "#e45252",
    500: "#d52536",
    600: "#b31f2d",
    700: "#8c1823",
    800: "#621018",
  },
  violet: {
    100: "#f1eafd",
    200: "#dccbfa",
    300: "#bd9ef5",
    400: "#9a6bee",
    500: "#7d2eff",
    600: "#6525d1",
    700: "#4d1ca0",
    800: "#35136f",
  },
};

// Desktop's themes carry the Docker palette as `palette.docker`; MUI's option type does not know it.
const dockerPalette = { docker };

const typography: ThemeOptions["typography"] = {
  fontFamily: '"Roboto", "Helvetica Neue", Arial, sans-serif',
  h1: { fontSize: 24, fontWeight: 500 },
  h2: { fontSize: 20, fontWeight: 500 },
  h3: { fontSize: 18, fontWeight: 500 },
  h4: { fontSize: 16, fontWeight: 500 },
  h5: { fontSize: 14, fontWeight: 500 },
  h6: { fontSize: 13, fontWeight: 500 },
  body1: { fontSize: 14 },
  body2: { fontSize: 13 },
  button: { textTransform: "none", fontWeight: 500 },
};

const shape = { borderRadius: 4 };

const light: ThemeOptions = {
  palette: {
    mode: "light",
    primary: { main: docker.blue[500] },
    secondary: { main: docker.violet[500] },
    error: { main: docker.red[500] },
    warning: { main: docker.amber[600] },
    success: { main: docker.green[600] },
    info: { main: docker.blue[600] },
    background: { default: "#f4f4f6", paper: "#ffffff" },
    text: { primary: "#17191e", secondary: docker.grey[600] },
    divider: docker.grey[200],
    ...dockerPalette,
  },
  typography,
  shape,
};

const dark: ThemeOptions = {
  palette: {
    mode: "dark",
    primary: { main: docker.blue[400] },
    secondary: { main: docker.violet[300] },
    error: { main: docker.red[400] },
    warning: { main: docker.amber[400] },
    success: { main: docker.green[400] },
    info: { main: docker.blue[300] },
    background: { default: "#202c33", paper: "#27343c" },
    text: { primary: "#e7eaef", secondary: docker.grey[300] },
    divider: docker.grey[700],
    ...dockerPalette,
  },
  typography,
  shape,
};

export const standaloneThemes = { light, dark };
