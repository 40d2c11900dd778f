# ctest's check of `proclab --bench-frames` and `--bench-idle` (cmake -P): the JSON's format and
# that every figure is a positive number, not the timings (CI is noisy; timings are not tests).
# MODE=frames | idle: run under xvfb-run; MODE=bad: bad values are one clear error, exit 2.
#   cmake -DPROGRAM=bin/proclab -DXVFB_RUN=/usr/bin/xvfb-run -DMODE=frames -P gui_bench_check.cmake
cmake_minimum_required(VERSION 3.19)  # string(JSON)

function(check_object json expected_keys)
  string(JSON count LENGTH "${json}")
  set(keys "")
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON key MEMBER "${json}" ${i})
    list(APPEND keys "${key}")
  endforeach()
  list(SORT keys)
  set(wanted ${expected_keys})
  list(SORT wanted)
  if(NOT keys STREQUAL wanted)
    message(FATAL_ERROR "keys are [${keys}], expected [${wanted}]")
  endif()
  foreach(key IN LISTS keys)
    string(JSON type TYPE "${json}" "${key}")
    if(key MATCHES "^running_phase_ms_")  # {phase: ms}: a phase may take no time at all
      if(NOT type STREQUAL "OBJECT")
        message(FATAL_ERROR "${key} is a ${type}, not an object, in ${json}")
      endif()
      string(JSON phases GET "${json}" "${key}")
      foreach(phase wait sync layout render swap)
        string(JSON value GET "${phases}" ${phase})
        if(value LESS 0)
          message(FATAL_ERROR "${key}.${phase} is ${value}, negative, in ${json}")
        endif()
      endforeach()
    elseif(key STREQUAL "slowest_frames")  # [{ms, live, phases}], the slowest first
      if(NOT type STREQUAL "ARRAY")
        message(FATAL_ERROR "${key} is a ${type}, not an array, in ${json}")
      endif()
      string(JSON first GET "${json}" "${key}" 0 ms)
      if(NOT first GREATER 0)
        message(FATAL_ERROR "the slowest frame took ${first} ms, in ${json}")
      endif()
    elseif(key STREQUAL "running_fewest_frames_in_a_second")  # -1: live for under a second
      string(JSON value GET "${json}" "${key}")
      if(value LESS -1)
        message(FATAL_ERROR "${key} is ${value}, not -1 or a count, in ${json}")
      endif()
    elseif(key STREQUAL "running_redrawn_median")  # a share of the window, 0 .. 1
      string(JSON value GET "${json}" "${key}")
      if(value LESS 0 OR value GREATER 1)
        message(FATAL_ERROR "${key} is ${value}, not within 0 .. 1, in ${json}")
      endif()
    elseif(type STREQUAL "NUMBER")
      string(JSON value GET "${json}" "${key}")
      if(NOT value GREATER 0)
        message(FATAL_ERROR "${key} is ${value}, not a positive number, in ${json}")
      endif()
    elseif(NOT key STREQUAL "lesson")
      message(FATAL_ERROR "${key} is a ${type}, not a number, in ${json}")
    endif()
  endforeach()
endfunction()

function(run_bench)
  execute_process(COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24" ${PROGRAM} ${ARGN}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 240)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "proclab ${ARGN} exited with ${status}: ${err}")
  endif()
  string(STRIP "${out}" out)
  if(out MATCHES "\n")
    message(FATAL_ERROR "more than one line on stdout: ${out}")
  endif()
  set(json "${out}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "frames")
  run_bench(--bench-frames 5 --lesson shared-data --processes 2 --array-processes 0
            --iterations 2000 --sleep-ms 0 --window-us 0)
  check_object("${json}" "lesson;frames;events;first_frame_ms;frame_ms_median;frame_ms_p95;frame_ms_max;frames_running;running_frame_ms_median;running_frame_ms_p95;running_fewest_frames_in_a_second;running_changed_frames;running_changed_frame_ms_median;running_changed_frame_ms_p95;running_phase_ms_median;running_phase_ms_p95;running_redrawn_median;slowest_frames;width;height")
  string(JSON lesson GET "${json}" lesson)
  string(JSON frames GET "${json}" frames)
  string(JSON events GET "${json}" events)
  if(NOT lesson STREQUAL "shared-data" OR frames LESS 5 OR events LESS 4000)
    message(FATAL_ERROR "expected shared-data, at least 5 frames and the 4000 writes and reads: ${json}")
  endif()
elseif(MODE STREQUAL "idle")
  run_bench(--bench-idle 1)
  check_object("${json}" "idle_seconds;cpu_seconds;idle_cpu_percent;frames;first_frame_ms")
  string(JSON seconds GET "${json}" idle_seconds)
  if(seconds LESS 1)
    message(FATAL_ERROR "measured ${seconds} s, asked for 1: ${json}")
  endif()
elseif(MODE STREQUAL "bad")
  # Checked before any window opens: no display needed, nothing started.
  set(cases
      "--bench-frames,0,--lesson,processes|--bench-frames must be a whole number"
      "--bench-frames,ten,--lesson,processes|--bench-frames must be a whole number"
      "--bench-frames,5|--bench-frames needs the lesson"
      "--bench-frames|--bench-frames needs a value"
      "--bench-idle,-1|--bench-idle must be a number of seconds"
      "--bench-idle,nan|--bench-idle must be a number of seconds"
      "--bench-idle,1,--run|--bench-idle measures the app with nothing running"
      "--bench-idle,1,--bench-frames,3,--lesson,processes|give one of them"
      "--bench-frames,3,--lesson,processes,--screenshot,x.png|cannot be combined")
  foreach(case IN LISTS cases)
    string(REPLACE "," ";" case "${case}")  # arguments are separated by "," here
    string(REPLACE "|" ";" parts "${case}")
    list(GET parts -1 wanted)
    list(REMOVE_AT parts -1)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
                            ${PROGRAM} ${parts}
                    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 20)
    string(STRIP "${err}" err)
    if(NOT status EQUAL 2 OR NOT out STREQUAL "" OR err MATCHES "\n" OR NOT err MATCHES "${wanted}")
      message(FATAL_ERROR "proclab ${parts}: exit ${status}, stdout '${out}', stderr '${err}'; "
                          "expected exit 2 and one line saying '${wanted}'")
    endif()
  endforeach()
else()
  message(FATAL_ERROR "MODE must be frames, idle or bad")
endif()
