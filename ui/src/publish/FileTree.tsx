import { useState } from "react";
import { Box, Checkbox, Chip, IconButton, Stack, Typography } from "@mui/material";
import ChevronRightIcon from "@mui/icons-material/ChevronRight";
import ExpandMoreIcon from "@mui/icons-material/ExpandMore";
import FolderOutlinedIcon from "@mui/icons-material/FolderOutlined";
import InsertDriveFileOutlinedIcon from "@mui/icons-material/InsertDriveFileOutlined";
import type { FileKind, ModelFile } from "@model-publisher/contract";
import { toggleFile, toggleFolder, type Folder } from "./file-tree.js";
import { formatBytes } from "../components/units.js";

const kindColor: Record<FileKind, "primary" | "secondary" | "default" | "info" | "warning"> = {
  weight: "primary",
  "weight.config": "secondary",
  doc: "default",
  code: "info",
  dataset: "warning",
};

/** What the tree passes down: the ticked-off paths and how to change them. */
interface Selection {
  excluded: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}

/** A place in the tree: how deep it is, with the selection. */
interface Place extends Selection {
  depth: number;
}

/** The tick box of a row: ticked (or partly, for a folder), what ticking does, and its accessible name. */
interface Include {
  checked: boolean;
  indeterminate?: boolean;
  onToggle: () => void;
  label: string;
}

function Row({
  depth,
  include,
  icon,
  label,
  size,
  extra,
}: {
  depth: number;
  include: Include;
  icon: React.ReactNode;
  label: React.ReactNode;
  size: number;
  extra?: React.ReactNode;
}) {
  return (
    <Stack
      direction="row"
      alignItems="center"
      spacing={1}
      role="treeitem"
      sx={{ pl: depth * 3, pr: 1, borderBottom: 1, borderColor: "divider", minHeight: 36 }}
    >
      <Checkbox
        size="small"
        checked={include.checked}
        indeterminate={include.indeterminate}
        onChange={include.onToggle}
        inputProps={{ "aria-label": include.label }}
      />
      {icon}
      <Typography variant="body2" sx={{ flex: 1, overflowWrap: "anywhere" }} component="div">
        {label}
      </Typography>
      {extra}
      <Typography variant="body2" color="text.secondary" sx={{ minWidth: 80, textAlign: "right" }}>
        {formatBytes(size)}
      </Typography>
    </Stack>
  );
}

function FileRow({ file, depth, excluded, onChange }: Place & { file: ModelFile }) {
  const name = file.path.split("/").pop() ?? file.path;
  return (
    <Row
      depth={depth}
      include={{
        checked: !excluded.has(file.path),
        onToggle: () => onChange(toggleFile(file.path, excluded)),
        label: `Include ${file.path}`,
      }}
      icon={<InsertDriveFileOutlinedIcon fontSize="small" color="action" sx={{ ml: 3.5 }} />}
      label={name}
      size={file.size}
      extra={<Chip size="small" variant="outlined" color={kindColor[file.kind]} label={file.kind} />}
    />
  );
}

function FolderRows({ folder, depth, excluded, onChange }: Place & { folder: Folder }) {
  const [open, setOpen] = useState(true);
  const out = folder.allFiles.filter((file) => excluded.has(file.path)).length;
  return (
    <>
      <Row
        depth={depth}
        include={{
          checked: out === 0,
          indeterminate: out > 0 && out < folder.allFiles.length,
          onToggle: () => onChange(toggleFolder(folder, excluded)),
          label: `Include folder ${folder.path}`,
        }}
        icon={
          <>
            <IconButton
              size="small"
              onClick={() => setOpen((v) => !v)}
              aria-label={open ? `Collapse ${folder.path}` : `Expand ${folder.path}`}
            >
              {open ? <ExpandMoreIcon fontSize="small" /> : <ChevronRightIcon fontSize="small" />}
            </IconButton>
            <FolderOutlinedIcon fontSize="small" color="action" />
          </>
        }
        label={`${folder.name}/`}
        size={folder.size}
        extra={
          <Typography variant="caption" color="text.secondary">
            {folder.allFiles.length} {folder.allFiles.length === 1 ? "file" : "files"}
          </Typography>
        }
      />
      {open && <TreeLevel folder={folder} depth={depth + 1} excluded={excluded} onChange={onChange} />}
    </>
  );
}

function TreeLevel({ folder, depth, excluded, onChange }: Place & { folder: Folder }) {
  return (
    <>
      {folder.folders.map((child) => (
        <FolderRows key={child.path} folder={child} depth={depth} excluded={excluded} onChange={onChange} />
      ))}
      {folder.files.map((file) => (
        <FileRow key={file.path} file={file} depth={depth} excluded={excluded} onChange={onChange} />
      ))}
    </>
  );
}

/** The model's files with checkboxes; unticked files become `exclude` patterns. */
export function FileTree({ root, excluded, onChange }: Selection & { root: Folder }) {
  return (
    <Box
      role="tree"
      aria-label="Files"
      sx={{ border: 1, borderColor: "divider", borderRadius: 1, maxHeight: 420, overflow: "auto" }}
    >
      <TreeLevel folder={root} depth={0} excluded={excluded} onChange={onChange} />
    </Box>
  );
}
