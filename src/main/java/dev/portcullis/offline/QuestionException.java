package dev.portcullis.offline;

import java.util.List;

/** A question given with {@code --ask} that cannot be asked: a bad address, port or name. */
public class QuestionException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public QuestionException(List<String> problems) {
    super(problems);
  }
}
