package dev.baton.engine;

/**
 * The step of another instance that started this one as a sub-workflow, and the command of that step this
 * instance answers: the child's outcome is reported to the parent as the outcome of {@code commandId}.
 *
 * @param instanceId the parent instance
 * @param stepId the parent's step that runs this instance
 * @param commandId the parent's command the outcome answers (an execute command, or a compensate command when the
 *     parent asks the child to compensate its work)
 */
public record ParentRef(String instanceId, String stepId, String commandId) {

    /** The same parent step, answering another of its commands. */
    public ParentRef forCommand(String otherCommandId) {
        return new ParentRef(instanceId, stepId, otherCommandId);
    }
}
