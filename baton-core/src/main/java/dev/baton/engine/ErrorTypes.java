package dev.baton.engine;

/**
 * The {@link Failure#type()} strings the orchestrator itself writes (workers choose their own). They appear in
 * results, status notifications and a parent's view of a failed child, so they are part of the wire protocol.
 */
public final class ErrorTypes {
    private ErrorTypes() {}

    /** A worker reported a failure without saying what failed. */
    public static final String FAILED = "Failed";
    /** No outcome arrived within the step's timeout. */
    public static final String TIMEOUT = "Timeout";
    /** An operator (or a parent instance) cancelled the instance. */
    public static final String CANCELLED = "Cancelled";
    /** A sub-workflow's child instance id would exceed {@link Instance#MAX_ID_LENGTH}. */
    public static final String NESTING_TOO_DEEP = "NestingTooDeep";
    /** A sub-workflow step tried to start a child under an id that another instance has. */
    public static final String INSTANCE_ID_TAKEN = "InstanceIdTaken";
    /** A sub-workflow step names a workflow (or version) that is not deployed. */
    public static final String UNKNOWN_WORKFLOW = "UnknownWorkflow";
    /** A child instance could not compensate its work, or is no longer stored to do so. */
    public static final String COMPENSATION_FAILED = "CompensationFailed";
    /** A step's output would make the instance's stored state larger than the runtime may store. */
    public static final String OUTPUT_TOO_LARGE = "OutputTooLarge";
    /** A repeating step ended its last round ({@code repeat.max}) without its {@code until} condition holding. */
    public static final String REPEAT_EXHAUSTED = "RepeatExhausted";
    /** The workflow's deadline passed while the instance was still running ({@code deadline.then: fail}). */
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    /** A sleep's {@code until} path did not lead to an ISO-8601 instant when the step started. */
    public static final String WAKE_TIME_UNREADABLE = "WakeTimeUnreadable";
    /** An event step's correlation path finds no value in its instance, so no event could match. */
    public static final String NO_CORRELATION_VALUE = "NoCorrelationValue";
    /** An emit step's key mapping found nothing, or something that cannot be a record key (an object or list). */
    public static final String EMIT_KEY_MISSING = "EmitKeyMissing";
    /** A forEach step's {@code items} path found no list in the instance's data. */
    public static final String ITEMS_NOT_A_LIST = "ItemsNotAList";
}
