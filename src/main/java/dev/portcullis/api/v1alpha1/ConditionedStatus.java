package dev.portcullis.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** What every status of these resources has: the generation it describes and its conditions. */
public interface ConditionedStatus {
  Long getObservedGeneration();

  void setObservedGeneration(Long observedGeneration);

  List<Condition> getConditions();

  void setConditions(List<Condition> conditions);
}
