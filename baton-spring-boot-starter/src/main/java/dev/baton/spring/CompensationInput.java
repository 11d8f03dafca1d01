package dev.baton.spring;

/**
 * The input of a {@code compensate} command, typed: what the step's execute command received and what its
 * {@link BatonStep} method returned. Declare it as the parameter of a {@link BatonCompensation} method, with the
 * types of the step method's input parameter and return value, e.g.
 * {@code CompensationInput<Charge, Map<String, Object>>}.
 *
 * @param input the execute command's input
 * @param output the output the step method returned, {@code null} if it had none
 * @param <I> the type of the step method's input parameter
 * @param <O> the step method's return type
 */
public record CompensationInput<I, O>(I input, O output) {}
