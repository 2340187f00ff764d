/** The file kind a layer's media type names (ModelPack `application/vnd.cncf.model.<kind>.v1.<format>`). */
export function layerKind(mediaType: string): string {
  const modelPack = /^application\/vnd\.cncf\.model\.([a-z.]+)\.v\d+\./.exec(mediaType);
  if (modelPack?.[1]) return modelPack[1];
  if (/image\.layer|docker\.image\.rootfs/.test(mediaType)) return "image layer";
  return "file";
}
