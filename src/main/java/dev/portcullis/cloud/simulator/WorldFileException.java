package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.Problem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A world file that cannot be used, with every problem found: each names the place in the document
 * (such as {@code regions.eu-west-1.instances[2].privateIp}, or a line and column for YAML that
 * does not parse) and what is wrong there.
 */
public final class WorldFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final transient List<Problem> problems;

  public WorldFileException(String source, List<Problem> problems) {
    super(message(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  private static String message(String source, List<Problem> problems) {
    if (problems.size() == 1) {
      return source + ": " + problems.get(0);
    }
    return source
        + ": "
        + problems.size()
        + " problems\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }

  /** The file (or resource) the world came from. */
  public String source() {
    return source;
  }

  public List<Problem> problems() {
    return problems;
  }
}
