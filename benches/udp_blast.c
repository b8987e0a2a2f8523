/* Paced UDP replay for benches/trap_rate.py: sends one datagram (read from a file) COUNT
 * times to 127.0.0.1:PORT at RATE per second, in batches through sendmmsg(2), so the
 * generator costs little CPU and keeps its rate on a busy machine. Prints the rate reached.
 *
 *   udp_blast FILE PORT COUNT RATE
 *
 * Loopback only: the destination address is fixed to 127.0.0.1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s FILE PORT COUNT RATE\n", argv[0]);
        return 2;
    }
    static char buf[65536];
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    long port = atol(argv[2]);
    long count = atol(argv[3]);
    double rate = atof(argv[4]);
    if (len == 0 || port <= 0 || port > 65535 || count <= 0 || rate <= 0) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
        perror("socket");
        return 1;
    }
    struct sockaddr_in dst;
    memset(&dst, 0, sizeof dst);
    dst.sin_family = AF_INET;
    dst.sin_port = htons((unsigned short)port);
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&dst, sizeof dst) < 0) {
        perror("connect");
        return 1;
    }
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        iov[i].iov_base = buf;
        iov[i].iov_len = len;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* Batches small enough that the pacing stays smooth: at most one batch per 0.2 ms. */
    long batch = (long)(rate / 5000.0);
    if (batch < 1) batch = 1;
    if (batch > BATCH) batch = BATCH;
    double start = now();
    long sent = 0, errors = 0;
    while (sent < count) {
        long n = count - sent < batch ? count - sent : batch;
        int r = sendmmsg(s, msgs, (unsigned)n, 0);
        if (r < 0) {
            /* Transient (no receiver yet, a full device queue): retry, a bounded number of
             * times in a row. */
            if ((errno == EINTR || errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED)
                && ++errors < 100000)
                continue;
            perror("sendmmsg");
            return 1;
        }
        errors = 0;
        sent += r;
        double ahead = start + sent / rate - now();
        if (ahead > 0) {
            struct timespec t = {(time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9)};
            nanosleep(&t, NULL);
        }
    }
    printf("%.0f\n", sent / (now() - start));
    return 0;
}
