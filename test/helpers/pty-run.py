"""Runs a command on a pseudo-terminal and answers its prompts, as a person would.

Reads JSON on stdin: {"argv": [...], "env": {...}, "cwd": "...", "columns": 80, "steps": [["text to wait for", "text to type"], ...]}.
Prints JSON: {"code": exit code, "output": everything the terminal showed}. Bounded: 20 s in all.
"""
import fcntl, json, os, pty, select, struct, sys, termios, time

spec = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec.get("cwd") or os.getcwd())
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])

# A terminal has a size (a pty starts at 0x0, which spinners and boards cannot lay out): 24x80 unless given.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", spec.get("rows", 24), spec.get("columns", 80), 0, 0))

output = b""
deadline = time.time() + 20
steps = list(spec.get("steps", []))

def read_some(timeout):
    global output
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    if not chunk:
        return False
    output += chunk
    return True

alive = True
while alive and time.time() < deadline:
    if steps and steps[0][0].encode() in output:
        time.sleep(0.05)
        os.write(fd, steps.pop(0)[1].encode())
        continue
    alive = read_some(0.1)

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "output": output.decode("utf-8", "replace"), "unanswered": [s[0] for s in steps]}))
