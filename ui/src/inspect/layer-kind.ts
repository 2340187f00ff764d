import { isImageLayer, modelLayerKind } from "@model-publisher/contract";

/** The file kind a layer's media type names (ModelPack `application/vnd.cncf.model.<kind>.v1.<format>`). */
export function layerKind(mediaType: string): string {
  return modelLayerKind(mediaType) ?? (isImageLayer(mediaType) ? "image layer" : "file");
}
