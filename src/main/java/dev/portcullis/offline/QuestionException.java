package dev.portcullis.offline;

import java.util.List;

/** A question given with {@code --ask} that cannot be asked: a bad address, port or name. */
public class QuestionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public QuestionException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
