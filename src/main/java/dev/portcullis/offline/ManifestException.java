package dev.portcullis.offline;

import java.util.List;

/** Manifests that cannot be used as they are; every message names the file, resource and field. */
public class ManifestException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ManifestException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
