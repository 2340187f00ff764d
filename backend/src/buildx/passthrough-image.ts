import { parseReference } from "@model-publisher/contract";

/** Repository and tag of an image, the part that says which BuildKit it is. */
function imageKey(image: string): string | undefined {
  const parsed = parseReference(image.trim());
  if (!parsed.ok) return undefined;
  return `${parsed.value.registry}/${parsed.value.repository}:${parsed.value.tag ?? ""}`;
}

/** True when the builder's BuildKit image is the passthrough one, so a direct push keeps the layout. */
export function isPassthroughImage(image: string | undefined, passthroughImage: string): boolean {
  if (!image) return false;
  if (image.includes("oci-layout-passthrough")) return true;
  const key = imageKey(image);
  return key !== undefined && key === imageKey(passthroughImage);
}
