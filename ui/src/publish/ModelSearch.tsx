import { useState, type KeyboardEvent } from "react";
import {
  Box,
  Chip,
  InputAdornment,
  List,
  ListItemButton,
  ListItemText,
  Paper,
  Stack,
  TextField,
  Tooltip,
  Typography,
} from "@mui/material";
import SearchIcon from "@mui/icons-material/Search";
import DownloadIcon from "@mui/icons-material/FileDownloadOutlined";
import FavoriteBorderIcon from "@mui/icons-material/FavoriteBorder";
import LockOutlinedIcon from "@mui/icons-material/LockOutlined";
import type { ModelSummary } from "@model-publisher/contract";
import { searchModels } from "../api/backend.js";
import { useDebounced, useLoad } from "../components/use-load.js";
import { Empty, ErrorNotice, Loading } from "../components/states.js";
import { formatCount } from "../components/units.js";

/** Gated and license badges, shared by the results and the card. */
export function ModelBadges({
  model,
}: {
  model: Pick<ModelSummary, "gated" | "private" | "license" | "pipelineTag" | "libraryName">;
}) {
  return (
    <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap>
      {model.pipelineTag && <Chip size="small" label={model.pipelineTag} variant="outlined" />}
      {model.libraryName && <Chip size="small" label={model.libraryName} variant="outlined" />}
      {model.license && <Chip size="small" label={model.license} variant="outlined" color="info" />}
      {model.gated !== false && (
        <Tooltip title={model.gated === "manual" ? "Access is granted by the authors" : "Access is granted on request"}>
          <Chip size="small" icon={<LockOutlinedIcon />} label="Gated" color="warning" variant="outlined" />
        </Tooltip>
      )}
      {model.private && <Chip size="small" label="Private" color="warning" variant="outlined" />}
    </Stack>
  );
}

/** One search result: the id with downloads and likes, then its badges. */
function ModelOption({
  model,
  index,
  active,
  selected,
  last,
  onOpen,
  onHover,
}: {
  model: ModelSummary;
  index: number;
  active: boolean;
  selected: boolean;
  last: boolean;
  onOpen: (id: string) => void;
  onHover: (index: number) => void;
}) {
  return (
    <ListItemButton
      id={`model-option-${index}`}
      role="option"
      aria-selected={active}
      selected={active || selected}
      onClick={() => onOpen(model.id)}
      onMouseEnter={() => onHover(index)}
      divider={!last}
    >
      <ListItemText
        disableTypography
        primary={
          <Stack direction="row" justifyContent="space-between" spacing={2} alignItems="center">
            <Typography variant="body1" sx={{ fontWeight: 500, overflowWrap: "anywhere" }}>
              {model.id}
            </Typography>
            <Stack direction="row" spacing={1.5} sx={{ color: "text.secondary", flexShrink: 0 }}>
              <Box sx={{ display: "flex", alignItems: "center", gap: 0.5 }} title={`${model.downloads} downloads`}>
                <DownloadIcon fontSize="small" />
                <Typography variant="body2">{formatCount(model.downloads)}</Typography>
              </Box>
              <Box sx={{ display: "flex", alignItems: "center", gap: 0.5 }} title={`${model.likes} likes`}>
                <FavoriteBorderIcon fontSize="small" />
                <Typography variant="body2">{formatCount(model.likes)}</Typography>
              </Box>
            </Stack>
          </Stack>
        }
        secondary={<ModelBadges model={model} />}
      />
    </ListItemButton>
  );
}

/** Search the Hub; arrow keys move through the results, Enter opens one. */
export function ModelSearch({ onOpen, selected }: { onOpen: (id: string) => void; selected?: string }) {
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const search = useDebounced(text.trim(), 300);
  const results = useLoad(() => searchModels({ search, limit: 20 }), `search:${search}`);
  const models = results.data?.models ?? [];

  const onKeyDown = (event: KeyboardEvent) => {
    if (models.length === 0) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((index) => Math.min(index + 1, models.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((index) => Math.max(index - 1, 0));
    } else if (event.key === "Enter") {
      const model = models[Math.min(active, models.length - 1)];
      if (model) onOpen(model.id);
    }
  };

  return (
    <Stack spacing={1}>
      <TextField
        fullWidth
        autoFocus
        placeholder="Search Hugging Face models, e.g. qwen3 or llama"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        inputProps={{
          role: "combobox",
          "aria-label": "Search models",
          "aria-controls": "model-results",
          "aria-expanded": models.length > 0,
          "aria-activedescendant": models[active] ? `model-option-${active}` : undefined,
        }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon />
            </InputAdornment>
          ),
        }}
      />
      {results.state === "loading" && models.length === 0 && <Loading label="Searching the Hub…" />}
      {results.state === "error" && <ErrorNotice error={results.error} onRetry={results.reload} />}
      {results.state === "ok" && models.length === 0 && (
        <Empty
          title="No models match"
          hint={`Nothing on the Hub matches “${search}”. Try a shorter name or the author.`}
        />
      )}
      {models.length > 0 && (
        <Paper variant="outlined" sx={{ opacity: results.state === "loading" ? 0.6 : 1 }}>
          <List id="model-results" role="listbox" aria-label="Models" dense disablePadding>
            {models.map((model, index) => (
              <ModelOption
                key={model.id}
                model={model}
                index={index}
                active={index === active}
                selected={model.id === selected}
                last={index === models.length - 1}
                onOpen={onOpen}
                onHover={setActive}
              />
            ))}
          </List>
        </Paper>
      )}
    </Stack>
  );
}
