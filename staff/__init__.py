"""The staff console (issue 6): sign-in, queue, live chat with citizens, supervisor view, work queues."""
