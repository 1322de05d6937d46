package dev.portcullis.offline;

import java.util.List;

/** Manifests that cannot be used as they are; every message names the file, resource and field. */
public class ManifestException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public ManifestException(List<String> problems) {
    super(problems);
  }
}
