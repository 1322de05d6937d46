package dev.portcullis.offline;

import java.util.List;

/** Input the offline command cannot use, with one message per problem (exit code 2). */
public abstract class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  protected InvalidInputException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
